/**
 * Money, prices and quantities travel as decimal strings end to end ("12345.67000000").
 * They are never converted to JavaScript numbers for arithmetic: a float cannot represent
 * exchange tick/step sizes exactly. Only display code (e.g. charts) may convert, and only
 * at the very edge.
 */
export type DecimalString = string;

/** A price in quote-asset units, as a decimal string. */
export type Price = DecimalString;

/** A quantity in base-asset units, as a decimal string. */
export type Quantity = DecimalString;

/** An amount of money (balance, P&L, notional), as a decimal string. */
export type Money = DecimalString;

/** Milliseconds or other measured durations reported by the backend, as decimal strings. */
export type DurationMs = DecimalString;

const DECIMAL_RE = /^-?\d+(\.\d+)?$/;

/** True when the value is a plain decimal string (no exponent, no thousands separators). */
export function isDecimalString(value: unknown): value is DecimalString {
  return typeof value === "string" && DECIMAL_RE.test(value);
}
