import { describe, expect, it } from "vitest";
import type { Order } from "../../../api/orders";
import type { OwnTrade } from "../queries";
import { fillMarkers, orderLines } from "./overlays";

const bars = [0, 60, 120].map((time) => ({ time, open: "1", high: "1", low: "1", close: "1" }));
const fill = (id: number, seconds: number, side: "BUY" | "SELL" | null, quantity: string): OwnTrade => ({
  id,
  market: "SPOT",
  symbol: "BTCUSDT",
  side,
  order_id: 1,
  external: false,
  price: "100",
  quantity,
  trade_time: new Date(seconds * 1000).toISOString(),
});

describe("chart overlays", () => {
  it("puts one marker per bar and side, summing the fills in it", () => {
    const markers = fillMarkers(
      [fill(1, 61, "BUY", "0.1"), fill(2, 119, "BUY", "0.25"), fill(3, 70, "SELL", "1"), fill(4, 500, "BUY", "1"), fill(5, 10, null, "1")],
      bars,
      60,
    );
    expect(markers).toEqual([
      { id: "60:BUY", time: 60, side: "BUY", text: "B 0.35 (2)" },
      { id: "60:SELL", time: 60, side: "SELL", text: "S 1" },
    ]);
    expect(fillMarkers([fill(1, 61, "BUY", "1")], [], 60)).toEqual([]);
  });

  it("draws open orders at their limit price, or dashed at their trigger", () => {
    const order = (patch: Partial<Order>) => ({ id: 1, side: "BUY", quantity: "0.5", price: null, stop_price: null, activation_price: null, ...patch }) as Order;
    expect(orderLines([order({ price: "99.5" }), order({ id: 2, side: "SELL", stop_price: "90" }), order({ id: 3 })], "g", "r")).toEqual([
      { id: "1", price: "99.5", title: "Buy 0.5", color: "g", dashed: false },
      { id: "2", price: "90", title: "Sell 0.5 stop", color: "r", dashed: true },
    ]);
  });
});
