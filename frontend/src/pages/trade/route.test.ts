import { describe, expect, it } from "vitest";
import { defaultPair, initialInterval, tradePath } from "./route";

describe("default pair", () => {
  it.each([
    ["no preferences", undefined, { market: "SPOT", symbol: "BTCUSDT" }],
    ["default market only", { default_market: "USDM", watched_symbols: [] }, { market: "USDM", symbol: "BTCUSDT" }],
    ["first watched of the default market", { default_market: "USDM", watched_symbols: ["SPOT:ETHUSDT", "USDM:SOLUSDT"] }, { market: "USDM", symbol: "SOLUSDT" }],
    ["first watched otherwise", { default_market: "SPOT", watched_symbols: ["USDM:SOLUSDT", "bad", "USDM:ETHUSDT"] }, { market: "USDM", symbol: "SOLUSDT" }],
    ["malformed entries are skipped", { watched_symbols: ["COINM:BTCUSD", "spot:ethusdt"] }, { market: "SPOT", symbol: "ETHUSDT" }],
  ])("%s", (_name, prefs, expected) => {
    expect(defaultPair(prefs)).toEqual(expected);
  });

  it("builds the URL and reads the interval", () => {
    expect(tradePath({ market: "USDM", symbol: "btcusdt" })).toBe("/trade/usdm/BTCUSDT");
    expect(initialInterval({ chart_interval: "4h" })).toBe("4h");
    expect(initialInterval({ chart_interval: "3m" })).toBe("1m");
    expect(initialInterval(null)).toBe("1m");
  });
});
