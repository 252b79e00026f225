/**
 * Exact decimal arithmetic on strings ("12345.67000000").
 *
 * Prices, quantities and money never become JavaScript numbers for arithmetic: a float cannot
 * represent tick and step sizes such as 0.1 or 0.00001 exactly, and a rounding error here sends
 * an order the exchange rejects (or, worse, one it accepts with the wrong size). Every value is
 * parsed into a scaled BigInt (value = units / 10^scale) and printed back as a string.
 *
 * Accepted input: an optional "-", digits, optionally "." and more digits. No exponent, no "+",
 * no thousands separators, no surrounding whitespace. Arithmetic throws on anything else;
 * `isDecimal` answers false.
 */

export type RoundMode = "down" | "up" | "nearest";
// "down" rounds toward zero and "up" away from zero (for positive values: toward -inf / +inf).
// "nearest" rounds half away from zero, the convention exchanges use for display.

const DECIMAL_RE = /^-?\d+(\.\d+)?$/;

interface Scaled {
  units: bigint;
  scale: number;
}

/** True for a plain decimal string: "-12.50", "0", "3"; false for "1e5", "", "1,000", " 1". */
export function isDecimal(s: string): boolean {
  return typeof s === "string" && DECIMAL_RE.test(s);
}

function parse(s: string): Scaled {
  if (!isDecimal(s)) {
    throw new Error(`Not a decimal string: ${JSON.stringify(s)}`);
  }
  const negative = s.startsWith("-");
  const body = negative ? s.slice(1) : s;
  const dot = body.indexOf(".");
  const intPart = dot === -1 ? body : body.slice(0, dot);
  const fracPart = dot === -1 ? "" : body.slice(dot + 1);
  const units = BigInt(intPart + fracPart);
  return { units: negative ? -units : units, scale: fracPart.length };
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function rescale(v: Scaled, scale: number): bigint {
  // Only ever called to widen the scale, which is exact.
  return v.units * pow10(scale - v.scale);
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

/** Integer division of n by d (d > 0) rounded per mode. */
function divRound(n: bigint, d: bigint, mode: RoundMode): bigint {
  if (d <= 0n) throw new Error("divRound needs a positive divisor");
  const negative = n < 0n;
  const an = abs(n);
  let q = an / d;
  const r = an % d;
  if (r !== 0n) {
    if (mode === "up") q += 1n;
    else if (mode === "nearest" && r * 2n >= d) q += 1n;
  }
  return negative ? -q : q;
}

/** Print units/10^scale with exactly `scale` decimals. */
function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  let digits = abs(units).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, "0");
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  // "-0" and "-0.000" print without the sign.
  return negative && units !== 0n ? `-${digits}` : digits;
}

function formatNormalized(units: bigint, scale: number): string {
  let u = units;
  let s = scale;
  while (s > 0 && u % 10n === 0n) {
    u /= 10n;
    s -= 1;
  }
  return format(u, s);
}

/** Canonical form: "001.2300" -> "1.23", "-0" -> "0", "5.000" -> "5". */
export function normalize(s: string): string {
  const v = parse(s);
  return formatNormalized(v.units, v.scale);
}

export function compare(a: string, b: string): -1 | 0 | 1 {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  const ux = rescale(x, scale);
  const uy = rescale(y, scale);
  return ux < uy ? -1 : ux > uy ? 1 : 0;
}

export function add(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  return formatNormalized(rescale(x, scale) + rescale(y, scale), scale);
}

export function sub(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  return formatNormalized(rescale(x, scale) - rescale(y, scale), scale);
}

/** Exact product, normalized. */
export function mul(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  return formatNormalized(x.units * y.units, x.scale + y.scale);
}

function checkScale(scale: number): void {
  if (!Number.isInteger(scale) || scale < 0) {
    throw new Error(`Scale must be a non-negative integer, got ${scale}`);
  }
}

/** a / b printed with exactly `scale` decimals, rounded per mode (default "down"). Throws on b = 0. */
export function div(a: string, b: string, scale: number, mode: RoundMode = "down"): string {
  checkScale(scale);
  const x = parse(a);
  const y = parse(b);
  if (y.units === 0n) throw new Error("Division by zero");
  // a/b = (xu/10^xs) / (yu/10^ys); result units at `scale` = xu * 10^(scale + ys) / (yu * 10^xs).
  let num = x.units * pow10(scale + y.scale);
  let den = y.units * pow10(x.scale);
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  return format(divRound(num, den, mode), scale);
}

/** Number of decimals a step carries once trailing zeros are dropped: "0.00100000" -> 3, "1.00000000" -> 0. */
export function decimalsOf(step: string): number {
  const n = normalize(step);
  const dot = n.indexOf(".");
  return dot === -1 ? 0 : n.length - dot - 1;
}

/**
 * The multiple of `step` nearest to `value` in the given direction, printed with the step's
 * decimals ("0.00100" with step "0.001" -> 3 decimals). Throws unless step > 0.
 */
export function roundToStep(value: string, step: string, mode: RoundMode): string {
  const v = parse(value);
  const st = parse(step);
  if (st.units <= 0n) throw new Error(`Step must be positive, got ${JSON.stringify(step)}`);
  const scale = Math.max(v.scale, st.scale);
  const steps = divRound(rescale(v, scale), rescale(st, scale), mode);
  const decimals = decimalsOf(step);
  // steps * step at the step's own scale, then drop the step's trailing zeros exactly.
  const units = steps * st.units;
  return format(units / pow10(st.scale - decimals), decimals);
}

/** value * pct / 100, exact and normalized. */
export function percentOf(value: string, pct: string): string {
  const x = parse(value);
  const p = parse(pct);
  return formatNormalized(x.units * p.units, x.scale + p.scale + 2);
}

export function isZero(a: string): boolean {
  return parse(a).units === 0n;
}

export function isNegative(a: string): boolean {
  return parse(a).units < 0n;
}

function groupThousands(intDigits: string): string {
  return intDigits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * Display formatting only. `decimals` rounds half away from zero and pads; `group` adds thousands
 * separators; `sign` prefixes "+" on positive values. A value that is not a decimal string is
 * returned unchanged so a bad field never crashes a table.
 */
export function formatDecimal(
  value: string,
  opts: { decimals?: number; group?: boolean; sign?: boolean } = {},
): string {
  if (!isDecimal(value)) return value;
  let text: string;
  if (opts.decimals !== undefined) {
    checkScale(opts.decimals);
    const v = parse(value);
    const units =
      v.scale >= opts.decimals
        ? divRound(v.units, pow10(v.scale - opts.decimals), "nearest")
        : v.units * pow10(opts.decimals - v.scale);
    text = format(units, opts.decimals);
  } else {
    text = value.startsWith("-") && isZero(value) ? value.slice(1) : value;
  }
  const negative = text.startsWith("-");
  let body = negative ? text.slice(1) : text;
  if (opts.group) {
    const dot = body.indexOf(".");
    const intPart = dot === -1 ? body : body.slice(0, dot);
    body = groupThousands(intPart) + (dot === -1 ? "" : body.slice(dot));
  }
  if (negative) return `-${body}`;
  if (opts.sign && parse(text).units > 0n) return `+${body}`;
  return body;
}

/** Float for display edges only (chart series, bar widths). NaN for a non-decimal input. */
export function toNumber(value: string): number {
  return isDecimal(value) ? Number(value) : Number.NaN;
}
