import { beforeEach, describe, expect, it, vi } from "vitest";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { lightweightChartsMock as lw, resetLightweightChartsMock } from "../../../test/lightweightChartsMock";
import { mockFetch } from "../../../test/utils";
import { accountEvent, marketFrame, openSockets, renderTrade, subscribedStreams } from "../testing";
import { PriceChart } from "./PriceChart";

vi.mock("lightweight-charts", async () => (await import("../../../test/lightweightChartsMock")).default);

const MIN = 60_000;
const T0 = 1_700_000_040_000; // on a minute boundary

function row(openMs: number, close: string) {
  return { open_time: openMs, open: "100", high: "101", low: "99", close, volume: "2", close_time: openMs + MIN - 1, quote_volume: "200", trades: 3 };
}

function kline(openMs: number, close: string, closed = false) {
  return { t: String(openMs), T: String(openMs + MIN - 1), o: "100", h: "102", l: "99", c: close, v: "3", q: "300", n: "4", x: closed, i: "1m" };
}

const ORDERS = {
  count: 1,
  next: null,
  previous: null,
  results: [{ id: 5, side: "BUY", type: "LIMIT", quantity: "0.5", price: "98.5", stop_price: null, activation_price: null, status: "NEW" }],
};

describe("PriceChart", () => {
  beforeEach(() => resetLightweightChartsMock());

  it("loads history, follows the live candle, refetches on a gap, and marks our orders and fills", async () => {
    let history = [row(T0, "100.5"), row(T0 + MIN, "100.7")];
    let trades = { count: 0, next: null, previous: null, results: [] as unknown[] };
    const fetch = mockFetch({
      "/api/market/spot/BTCUSDT/klines/?interval=1m&limit=500": () => new Response(JSON.stringify(history)),
      "/api/orders/?status=open&market=SPOT&symbol=BTCUSDT&page_size=500": ORDERS,
      "/api/trades/?market=SPOT&symbol=BTCUSDT&page_size=200": () => new Response(JSON.stringify(trades)),
    });
    const onIntervalChange = vi.fn();
    const user = userEvent.setup();
    renderTrade(<PriceChart market="SPOT" symbol="BTCUSDT" interval="1m" onIntervalChange={onIntervalChange} tick="0.01" />);
    openSockets();
    const chart = screen.getByTestId("price-chart");
    await waitFor(() => expect(chart).toHaveAttribute("data-last-close", "100.7"));
    expect(subscribedStreams()).toContain("spot.btcusdt.kline_1m");
    expect(lw.series.applyOptions).toHaveBeenCalledWith({ priceFormat: { type: "price", precision: 2, minMove: 0.01 } });

    marketFrame("spot.btcusdt.kline_1m", kline(T0 + MIN, "100.9"), { snapshot: true });
    expect(chart).toHaveAttribute("data-last-close", "100.9");
    expect(lw.series.update).toHaveBeenLastCalledWith(expect.objectContaining({ close: 100.9 }));
    marketFrame("spot.btcusdt.kline_1m", kline(T0 + 2 * MIN, "101"));
    expect(chart).toHaveAttribute("data-last-time", String((T0 + 2 * MIN) / 1000));
    expect(chart).toHaveAttribute("data-bars", "3");

    // Two minutes missed: the chart does not draw across the hole; it asks for history again.
    history = [...history, row(T0 + 2 * MIN, "101"), row(T0 + 3 * MIN, "101.5"), row(T0 + 4 * MIN, "101.2")];
    const before = fetch.mock.calls.filter(([u]) => String(u).includes("/klines/")).length;
    marketFrame("spot.btcusdt.kline_1m", kline(T0 + 5 * MIN, "102"));
    await waitFor(() => expect(chart).toHaveAttribute("data-bars", "6"));
    expect(fetch.mock.calls.filter(([u]) => String(u).includes("/klines/")).length).toBe(before + 1);
    expect(chart).toHaveAttribute("data-last-close", "102");

    await waitFor(() => expect(lw.series.createPriceLine).toHaveBeenCalledWith(expect.objectContaining({ price: 98.5, title: "Buy 0.5" })));

    trades = {
      count: 1,
      next: null,
      previous: null,
      results: [{ id: 9, market: "SPOT", symbol: "BTCUSDT", side: "SELL", order_id: 5, external: false, price: "101", quantity: "0.1", trade_time: new Date(T0 + MIN + 5_000).toISOString() }],
    };
    accountEvent("fill", 1, { order_id: 5, symbol: "BTCUSDT", market: "SPOT" });
    await waitFor(() =>
      expect(lw.markers.setMarkers).toHaveBeenLastCalledWith([
        expect.objectContaining({ time: (T0 + MIN) / 1000, shape: "arrowDown", text: "S 0.1" }),
      ]),
    );

    await user.click(screen.getByRole("button", { name: "1h candles" }));
    expect(onIntervalChange).toHaveBeenCalledWith("1h");
  });
});
