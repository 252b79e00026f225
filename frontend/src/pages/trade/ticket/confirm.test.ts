import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIRM_ABOVE, confirmThreshold, confirmationReasons, notionalInUsdt } from "./confirm";

describe("confirmation", () => {
  it.each([
    ["small order on SIM", "SIM", "100", []],
    ["small order on TESTNET", "TESTNET", "999.99", []],
    ["at the threshold", "SIM", "1000", []],
    ["above the threshold", "SIM", "1000.01", ["The order's value (≈ 1,000.01 USDT) is above your confirmation threshold of 1000 USDT."]],
    ["any order on LIVE", "LIVE", "1", ["This order goes to the LIVE exchange: real money."]],
    ["environment unknown", null, "1", ["The trading environment is not known yet."]],
    ["value unknown", "SIM", null, ["The order's value cannot be estimated."]],
  ] as const)("%s", (_name, environment, notionalUsdt, reasons) => {
    expect(confirmationReasons({ environment, notionalUsdt, threshold: DEFAULT_CONFIRM_ABOVE })).toEqual(reasons);
  });

  it("reads the threshold from the ticket defaults", () => {
    expect(confirmThreshold({ confirm_above_notional: "250" })).toBe("250");
    expect(confirmThreshold({ confirm_above_notional: 250 })).toBe("1000");
    expect(confirmThreshold(undefined)).toBe("1000");
  });

  it("values non-USDT quotes through the quote asset's USDT price", () => {
    expect(notionalInUsdt("0.5", "BTC", "60000")).toBe("30000");
    expect(notionalInUsdt("12", "USDT", null)).toBe("12");
    expect(notionalInUsdt("0.5", "BTC", null)).toBeNull();
    expect(notionalInUsdt(null, "USDT", null)).toBeNull();
  });
});
