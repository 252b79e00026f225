import { isDecimal, normalize } from "../../lib/decimal";

/**
 * A decimal from a stream message as a plain string, or null. The market-data service prints Python
 * Decimals with `str()`, which switches to exponent form for very small values ("1E-7", "0E-8"); the
 * decimal helpers (rightly) refuse exponents, so they are expanded here, exactly, once.
 */
export function plainDecimal(value: unknown): string | null {
  if (typeof value !== "string") return null;
  if (isDecimal(value)) return value;
  const match = /^(-?)(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$/.exec(value);
  if (!match) return null;
  const [, sign = "", intPart = "", frac = "", expText = "0"] = match;
  const exp = Number(expText);
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 60) return null;
  const digits = intPart + frac;
  // Position of the decimal point within `digits` after shifting by the exponent.
  const point = intPart.length + exp;
  let text: string;
  if (point <= 0) text = `0.${"0".repeat(-point)}${digits}`;
  else if (point >= digits.length) text = digits + "0".repeat(point - digits.length);
  else text = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return normalize(sign + text);
}
