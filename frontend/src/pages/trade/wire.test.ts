import { describe, expect, it } from "vitest";
import { plainDecimal } from "./wire";

describe("plainDecimal", () => {
  it.each([
    ["0.00100000", "0.00100000"],
    ["1E-7", "0.0000001"],
    ["1.5E-7", "0.00000015"],
    ["0E-8", "0"],
    ["1.2E+3", "1200"],
    ["12.5e1", "125"],
    ["-3E-2", "-0.03"],
    ["abc", null],
    ["", null],
    [12, null],
    [null, null],
  ])("%s -> %s", (input, expected) => {
    expect(plainDecimal(input)).toBe(expected);
  });
});
