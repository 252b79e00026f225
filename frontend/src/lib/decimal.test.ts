import {
  add,
  compare,
  decimalsOf,
  div,
  formatDecimal,
  isDecimal,
  isNegative,
  isZero,
  mul,
  normalize,
  percentOf,
  roundToStep,
  sub,
  toNumber,
  type RoundMode,
} from "./decimal";

// Deterministic pseudo-random source so a failing property case reproduces.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Sample {
  text: string;
  units: bigint;
  scale: number;
}

function sample(next: () => number, maxScale = 8): Sample {
  const scale = Math.floor(next() * (maxScale + 1));
  const digits = 1 + Math.floor(next() * 14);
  let body = "";
  for (let i = 0; i < digits; i++) body += String(Math.floor(next() * 10));
  let units = BigInt(body);
  if (next() < 0.3) units = -units;
  return { text: render(units, scale), units, scale };
}

// Reference printer, written independently of the module under test.
function render(units: bigint, scale: number): string {
  const neg = units < 0n;
  const a = (neg ? -units : units).toString().padStart(scale + 1, "0");
  const s = scale === 0 ? a : `${a.slice(0, a.length - scale)}.${a.slice(a.length - scale)}`;
  return neg && units !== 0n ? `-${s}` : s;
}

function canon(units: bigint, scale: number): string {
  return normalize(render(units, scale));
}

describe("isDecimal", () => {
  it.each([
    ["0", true],
    ["3", true],
    ["-12.50", true],
    ["0.00000001", true],
    ["123456789012345678901234567890.123", true],
    ["-0", true],
    ["1e5", false],
    ["1E-8", false],
    ["", false],
    ["1,000", false],
    [" 1", false],
    ["1 ", false],
    ["+1", false],
    [".5", false],
    ["5.", false],
    ["-", false],
    ["--1", false],
    ["1.2.3", false],
    ["NaN", false],
    ["Infinity", false],
    ["0x10", false],
    ["١٢", false],
  ])("%j -> %s", (s, ok) => {
    expect(isDecimal(s)).toBe(ok);
  });
});

describe("normalize", () => {
  it.each([
    ["001.2300", "1.23"],
    ["-0", "0"],
    ["-0.000", "0"],
    ["5.000", "5"],
    ["0.10", "0.1"],
    ["100", "100"],
    ["-007.0700", "-7.07"],
    ["0.00000001", "0.00000001"],
  ])("%s -> %s", (s, out) => {
    expect(normalize(s)).toBe(out);
  });
});

describe("garbage is rejected with a clear error", () => {
  const ops: Array<[string, () => unknown]> = [
    ["add", () => add("1e5", "1")],
    ["sub", () => sub("1", "abc")],
    ["mul", () => mul("1,000", "2")],
    ["div", () => div(" 1", "2", 2)],
    ["compare", () => compare("", "1")],
    ["normalize", () => normalize("1.")],
    ["roundToStep", () => roundToStep("1", "1e-3", "down")],
    ["percentOf", () => percentOf("10", "5%")],
    ["isZero", () => isZero("zero")],
    ["decimalsOf", () => decimalsOf("0.001 ")],
  ];
  it.each(ops)("%s throws", (_name, fn) => {
    expect(fn).toThrow(/Not a decimal string/);
  });
});

describe("arithmetic tables", () => {
  it.each([
    ["0.1", "0.2", "0.3"],
    ["1.10", "2.20", "3.3"],
    ["-1", "1", "0"],
    ["99999999999999999999.99999999", "0.00000001", "100000000000000000000"],
    ["-0.5", "-0.25", "-0.75"],
  ])("add(%s, %s) = %s", (a, b, out) => {
    expect(add(a, b)).toBe(out);
  });

  it.each([
    ["0.3", "0.1", "0.2"],
    ["1", "1.00000001", "-0.00000001"],
    ["0", "0", "0"],
    ["-2", "-3", "1"],
  ])("sub(%s, %s) = %s", (a, b, out) => {
    expect(sub(a, b)).toBe(out);
  });

  it.each([
    ["0.1", "0.2", "0.02"],
    ["1.5", "2", "3"],
    ["-0.001", "1000", "-1"],
    ["0", "-5", "0"],
    ["12345.6789", "0.00010000", "1.23456789"],
  ])("mul(%s, %s) = %s", (a, b, out) => {
    expect(mul(a, b)).toBe(out);
  });

  it.each<[string, string, number, RoundMode | undefined, string]>([
    ["1", "3", 4, undefined, "0.3333"],
    ["2", "3", 4, "down", "0.6666"],
    ["2", "3", 4, "up", "0.6667"],
    ["2", "3", 4, "nearest", "0.6667"],
    ["1", "8", 2, "nearest", "0.13"],
    ["-1", "8", 2, "nearest", "-0.13"],
    ["-2", "3", 2, "down", "-0.66"],
    ["-2", "3", 2, "up", "-0.67"],
    ["1", "-4", 3, "down", "-0.250"],
    ["10", "0.5", 0, "down", "20"],
    ["0", "7", 2, "down", "0.00"],
    ["-0.001", "3", 2, "down", "0.00"],
    ["100", "0.00000001", 0, "down", "10000000000"],
  ])("div(%s, %s, %d, %s) = %s", (a, b, scale, mode, out) => {
    expect(div(a, b, scale, mode)).toBe(out);
  });

  it("div by zero throws", () => {
    expect(() => div("1", "0", 2)).toThrow(/Division by zero/);
    expect(() => div("1", "0.000", 2)).toThrow(/Division by zero/);
  });

  it("div rejects bad scales", () => {
    expect(() => div("1", "2", -1)).toThrow(/Scale/);
    expect(() => div("1", "2", 1.5)).toThrow(/Scale/);
  });

  it.each([
    ["1", "1.0", 0],
    ["1", "2", -1],
    ["-1", "-2", 1],
    ["0.00000001", "0", 1],
    ["-0", "0", 0],
    ["10", "9.99999999999", 1],
  ])("compare(%s, %s) = %d", (a, b, out) => {
    expect(compare(a, b)).toBe(out);
  });

  it.each([
    ["1000", "25", "250"],
    ["0.5", "33", "0.165"],
    ["123.45", "100", "123.45"],
    ["10", "0", "0"],
    ["-10", "12.5", "-1.25"],
  ])("percentOf(%s, %s) = %s", (v, p, out) => {
    expect(percentOf(v, p)).toBe(out);
  });

  it("isZero / isNegative", () => {
    expect(isZero("0.000")).toBe(true);
    expect(isZero("-0")).toBe(true);
    expect(isZero("0.001")).toBe(false);
    expect(isNegative("-0.001")).toBe(true);
    expect(isNegative("-0")).toBe(false);
    expect(isNegative("3")).toBe(false);
  });
});

describe("decimalsOf", () => {
  it.each([
    ["0.00100000", 3],
    ["1.00000000", 0],
    ["0.1", 1],
    ["0.00001000", 5],
    ["10", 0],
    ["0.01000000", 2],
  ])("%s -> %d", (s, n) => {
    expect(decimalsOf(s)).toBe(n);
  });
});

describe("roundToStep", () => {
  it.each<[string, string, RoundMode, string]>([
    ["0.00100", "0.001", "down", "0.001"],
    ["0.00100", "0.00100000", "down", "0.001"],
    ["1.23456789", "0.00001000", "down", "1.23456"],
    ["1.23456789", "0.00001000", "up", "1.23457"],
    ["1.23456489", "0.00001000", "nearest", "1.23456"],
    ["1.234565", "0.00001000", "nearest", "1.23457"],
    ["0.3", "0.1", "down", "0.3"],
    ["0.35", "0.1", "nearest", "0.4"],
    ["0.34999999", "0.1", "nearest", "0.3"],
    ["0.31", "0.1", "up", "0.4"],
    ["7", "0.1", "down", "7.0"],
    ["7", "0.01000000", "down", "7.00"],
    ["123.456", "1.00000000", "down", "123"],
    ["123.456", "1", "up", "124"],
    ["1234", "10", "down", "1230"],
    ["1235", "10", "nearest", "1240"],
    ["1234", "10", "up", "1240"],
    ["0.00000001", "0.001", "down", "0.000"],
    ["0.00000001", "0.001", "up", "0.001"],
    ["0", "0.001", "up", "0.000"],
    ["42000.5", "0.5", "down", "42000.5"],
    ["42000.74", "0.5", "nearest", "42000.5"],
    ["42000.75", "0.5", "nearest", "42001.0"],
    ["0.12345", "0.025", "down", "0.100"],
    ["0.12345", "0.025", "up", "0.125"],
    ["-1.23456", "0.01", "down", "-1.23"],
    ["-1.23456", "0.01", "up", "-1.24"],
    ["-1.235", "0.01", "nearest", "-1.24"],
  ])("roundToStep(%s, %s, %s) = %s", (v, step, mode, out) => {
    expect(roundToStep(v, step, mode)).toBe(out);
  });

  it("rejects a zero or negative step", () => {
    expect(() => roundToStep("1", "0", "down")).toThrow(/Step must be positive/);
    expect(() => roundToStep("1", "0.00000000", "down")).toThrow(/Step must be positive/);
    expect(() => roundToStep("1", "-0.1", "down")).toThrow(/Step must be positive/);
  });
});

describe("formatDecimal", () => {
  it.each<[string, { decimals?: number; group?: boolean; sign?: boolean }, string]>([
    ["1234567.891", { group: true }, "1,234,567.891"],
    ["1234567.891", { decimals: 2, group: true }, "1,234,567.89"],
    ["1234567.895", { decimals: 2 }, "1234567.90"],
    ["-1234.5", { decimals: 0, group: true }, "-1,235"],
    ["12.5", { sign: true }, "+12.5"],
    ["-12.5", { sign: true }, "-12.5"],
    ["0", { sign: true, decimals: 2 }, "0.00"],
    ["-0.001", { decimals: 2 }, "0.00"],
    ["-0", {}, "0"],
    ["3", { decimals: 3 }, "3.000"],
    ["999", { group: true }, "999"],
    ["1000", { group: true }, "1,000"],
    ["not-a-number", { decimals: 2 }, "not-a-number"],
  ])("formatDecimal(%s, %j) = %s", (v, opts, out) => {
    expect(formatDecimal(v, opts)).toBe(out);
  });
});

describe("toNumber", () => {
  it("converts for display and returns NaN on garbage", () => {
    expect(toNumber("42000.5")).toBe(42000.5);
    expect(toNumber("-0.25")).toBe(-0.25);
    expect(Number.isNaN(toNumber("1e5"))).toBe(true);
    expect(Number.isNaN(toNumber(""))).toBe(true);
  });
});

describe("properties against BigInt reference math", () => {
  const next = rng(20261125);
  const cases = Array.from({ length: 400 }, () => [sample(next), sample(next)] as const);

  function widen(a: Sample, b: Sample): [bigint, bigint, number] {
    const s = Math.max(a.scale, b.scale);
    return [a.units * 10n ** BigInt(s - a.scale), b.units * 10n ** BigInt(s - b.scale), s];
  }

  it("add, sub, compare match", () => {
    for (const [a, b] of cases) {
      const [x, y, s] = widen(a, b);
      expect(add(a.text, b.text)).toBe(canon(x + y, s));
      expect(sub(a.text, b.text)).toBe(canon(x - y, s));
      expect(compare(a.text, b.text)).toBe(x < y ? -1 : x > y ? 1 : 0);
      // a + b - b == a
      expect(sub(add(a.text, b.text), b.text)).toBe(normalize(a.text));
    }
  });

  it("mul matches and is commutative", () => {
    for (const [a, b] of cases) {
      expect(mul(a.text, b.text)).toBe(canon(a.units * b.units, a.scale + b.scale));
      expect(mul(b.text, a.text)).toBe(mul(a.text, b.text));
    }
  });

  it("div(down) truncates toward zero and up/nearest bracket it", () => {
    for (const [a, b] of cases) {
      if (b.units === 0n) continue;
      const scale = 6;
      const down = div(a.text, b.text, scale, "down");
      const up = div(a.text, b.text, scale, "up");
      const near = div(a.text, b.text, scale, "nearest");
      // Reference: truncation of exact rational a/b at `scale` decimals.
      const num = a.units * 10n ** BigInt(scale + b.scale);
      const den = b.units * 10n ** BigInt(a.scale);
      const q = num / den; // BigInt division truncates toward zero
      expect(down).toBe(render(q, scale));
      // |down| <= |a/b| <= |up| and up - down is 0 or one unit
      const gap = sub(up, down);
      const exact = num % den === 0n;
      expect(normalize(gap).replace("-", "")).toBe(exact ? "0" : "0.000001");
      expect([normalize(down), normalize(up)]).toContain(normalize(near));
      // Multiplying back stays within one unit of the divisor.
      const back = mul(down, b.text);
      const err = sub(a.text, back);
      expect(compare(err.replace("-", ""), mul("0.000001", b.text.replace("-", "")))).toBeLessThanOrEqual(0);
    }
  });

  it("roundToStep returns a multiple of step within one step, with the step's decimals", () => {
    const steps = ["0.00001000", "0.1", "0.001", "0.01000000", "1.00000000", "0.5", "0.025", "10", "0.00000001"];
    for (const [a] of cases) {
      const value = a.text.replace("-", "");
      for (const step of steps) {
        const down = roundToStep(value, step, "down");
        const up = roundToStep(value, step, "up");
        const near = roundToStep(value, step, "nearest");
        const d = decimalsOf(step);
        for (const r of [down, up, near]) {
          const dot = r.indexOf(".");
          expect(dot === -1 ? 0 : r.length - dot - 1).toBe(d);
          // multiple of step: r / step is an integer
          expect(div(r, step, 0, "down")).toBe(div(r, step, 0, "up"));
        }
        expect(compare(down, value)).toBeLessThanOrEqual(0);
        expect(compare(up, value)).toBeGreaterThanOrEqual(0);
        expect(compare(sub(up, down), step)).toBeLessThanOrEqual(0);
        // nearest is the closer of the two (ties go up)
        const dDown = sub(value, down);
        const dUp = sub(up, value);
        const expected = compare(dUp, dDown) <= 0 ? up : down;
        expect(near).toBe(expected);
      }
    }
  });

  it("percentOf equals value * pct / 100", () => {
    for (const [a, b] of cases) {
      expect(percentOf(a.text, b.text)).toBe(canon(a.units * b.units, a.scale + b.scale + 2));
      expect(percentOf(a.text, "100")).toBe(normalize(a.text));
    }
  });

  it("normalize round-trips through compare", () => {
    for (const [a] of cases) {
      expect(compare(normalize(a.text), a.text)).toBe(0);
      expect(isDecimal(normalize(a.text))).toBe(true);
    }
  });
});
