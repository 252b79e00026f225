import { describe, expect, it } from "vitest";
import {
  liveFigures,
  markFromFrame,
  notionalAt,
  reduceOrderFor,
  roePct,
  unrealizedPnl,
  type Position,
} from "./positions";

function position(overrides: Partial<Position> = {}): Position {
  return {
    symbol: "BTCUSDT",
    position_side: "BOTH",
    quantity: "0.010",
    entry_price: "50000.00",
    break_even_price: "50020.00",
    mark_price: "50100.00",
    unrealized_pnl: "1.00000000",
    notional: "501.00",
    leverage: 10,
    margin_type: "cross",
    isolated_margin: "0",
    initial_margin: "50.10",
    maint_margin: "2.00",
    liquidation_price: "45500.10",
    margin_ratio: "1.20",
    updated_at: "2026-11-25T14:00:00Z",
    exchange_update_time: null,
    ...overrides,
  };
}

describe("unrealizedPnl (signed quantity × (mark − entry), as apps/positions/domain/pnl.py)", () => {
  it.each([
    // quantity, entry, mark, expected
    ["0.010", "50000.00", "50100.00", "1"],
    ["0.010", "50000.00", "49900.50", "-0.995"],
    ["-0.010", "50000.00", "49900.50", "0.995"],
    ["-2.5", "0.1", "0.3", "-0.5"],
    // 0.1 + 0.2 style values stay exact: a float would print 0.30000000000000004.
    ["3", "0.1", "0.2", "0.3"],
    ["0", "50000", "60000", "0"],
    ["1.123456789", "27000.12345678", "27001.12345679", "1.12345680023456789"],
  ])("qty %s entry %s mark %s -> %s", (qty, entry, mark, expected) => {
    expect(unrealizedPnl(qty, entry, mark)).toBe(expected);
  });
});

describe("roePct", () => {
  it("is P&L over the initial margin at mark (notional / leverage), 2 decimals", () => {
    // margin = 0.01 × 50100 / 10 = 50.1; 1 / 50.1 × 100 = 1.996 -> 2.00
    expect(roePct("1", "0.010", "50100", 10, null)).toBe("2.00");
    expect(roePct("-0.995", "0.010", "49900.5", 20, null)).toBe("-3.99");
  });

  it("falls back to the stored initial margin without a leverage, and is null without any margin", () => {
    expect(roePct("5", "1", "100", null, "50")).toBe("10.00");
    expect(roePct("5", "1", "100", null, null)).toBeNull();
    expect(roePct("5", "0", "100", 10, null)).toBeNull();
  });
});

describe("liveFigures", () => {
  it("recomputes P&L, ROE and notional from the stream's mark", () => {
    const live = liveFigures(position(), "50250.50");
    expect(live).toEqual({ mark: "50250.50", pnl: "2.505", roe: "4.99", notional: "502.505", live: true });
  });

  it("uses the stored mark when no stream price has arrived", () => {
    const live = liveFigures(position({ quantity: "-0.010" }), null);
    expect(live.mark).toBe("50100.00");
    expect(live.pnl).toBe("-1");
    expect(live.live).toBe(false);
  });

  it("ignores a mark that is not a decimal string", () => {
    expect(liveFigures(position(), "1e5").mark).toBe("50100.00");
  });

  it("shows the stored P&L when the position has no entry price", () => {
    const live = liveFigures(position({ entry_price: null }), "50250");
    expect(live.pnl).toBe("1.00000000");
    expect(live.roe).toBeNull();
  });
});

describe("notionalAt", () => {
  it("is |quantity| × mark", () => {
    expect(notionalAt("-0.5", "2000.10")).toBe("1000.05");
  });
});

describe("reduceOrderFor", () => {
  it("sends a reduce-only market SELL for a one-way long", () => {
    expect(reduceOrderFor(position(), "0.005")).toEqual({
      market: "USDM",
      symbol: "BTCUSDT",
      side: "SELL",
      type: "MARKET",
      quantity: "0.005",
      reduce_only: true,
    });
  });

  it("buys back a one-way short", () => {
    expect(reduceOrderFor(position({ quantity: "-0.010" }), "0.010").side).toBe("BUY");
  });

  it("names the position side and sends no reduce-only flag in hedge mode", () => {
    const order = reduceOrderFor(position({ position_side: "SHORT", quantity: "-0.010" }), "0.010");
    expect(order).toEqual({ market: "USDM", symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.010", position_side: "SHORT" });
    expect(reduceOrderFor(position({ position_side: "LONG" }), "0.010").side).toBe("SELL");
  });
});

describe("markFromFrame", () => {
  it("reads p from the stream data, wrapped or not", () => {
    expect(markFromFrame({ p: "50000.10", i: "50001", r: "0.0001", T: "1" })).toBe("50000.10");
    expect(markFromFrame({ stream: "usdm.btcusdt.markprice", E: 1, data: { p: "42.5" } })).toBe("42.5");
    expect(markFromFrame({ p: 42.5 })).toBeNull();
    expect(markFromFrame(null)).toBeNull();
  });
});
