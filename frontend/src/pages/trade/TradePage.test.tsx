import { beforeEach, describe, expect, it, vi } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router-dom";
import { resetLightweightChartsMock } from "../../test/lightweightChartsMock";
import { LocationProbe, jsonResponse, mockFetch } from "../../test/utils";
import { BTCUSDT_USDM, BTCUSDT_SPOT } from "./ticket/fixtures";
import { marketFrame, openSockets, renderTrade, subscribedStreams } from "./testing";
import { TradePage } from "./TradePage";

vi.mock("lightweight-charts", async () => (await import("../../test/lightweightChartsMock")).default);

const PREFS = {
  watched_symbols: ["SPOT:ETHUSDT", "USDM:BTCUSDT"],
  default_market: "USDM",
  chart_interval: "15m",
  layout: {},
  theme: "dark",
  order_ticket_defaults: {},
  updated_at: null,
};

function routes() {
  return mockFetch({
    "/api/preferences/": PREFS,
    "PUT /api/preferences/": (_url: string, init: RequestInit) => jsonResponse({ ...PREFS, ...JSON.parse(String(init.body)) }),
    "/api/exchange/status/": { environment: "sim" },
    "/api/symbols/SPOT/BTCUSDT/": { ...BTCUSDT_SPOT, status: "TRADING" },
    "/api/symbols/USDM/BTCUSDT/": { ...BTCUSDT_USDM, status: "TRADING" },
    "/api/balances/?market=SPOT": [{ market: "SPOT", asset: "USDT", free: "1000", locked: "0" }],
    "/api/balances/?market=USDM": [{ market: "USDM", asset: "USDT", available_balance: "500" }],
    "/api/futures/settings/?symbol=BTCUSDT": { symbol: "BTCUSDT", leverage: 5, max_leverage: 125, margin_type: "CROSSED", position_mode: "hedge" },
    "/api/market/spot/BTCUSDT/klines/?interval=15m&limit=500": [],
    "/api/market/usdm/BTCUSDT/klines/?interval=15m&limit=500": [],
    "/api/market/usdm/BTCUSDT/klines/?interval=4h&limit=500": [],
  });
}

function page(route: string, role: "trader" | "viewer" = "trader") {
  return renderTrade(
    <>
      <Routes>
        <Route path="/trade" element={<TradePage />} />
        <Route path="/trade/:market/:symbol" element={<TradePage />} />
      </Routes>
      <LocationProbe />
    </>,
    { route, role },
  );
}

describe("TradePage", { timeout: 30_000 }, () => {
  beforeEach(() => resetLightweightChartsMock());

  it("opens the first watched pair of the default market", async () => {
    routes();
    page("/trade");
    await waitFor(() => expect(screen.getByTestId("location")).toHaveTextContent("/trade/usdm/BTCUSDT"));
  });

  it("shows a spot pair: stats, chart, book, trades and ticket, and a book click prices the ticket", async () => {
    routes();
    const user = userEvent.setup();
    page("/trade/spot/btcusdt");
    openSockets();
    await waitFor(() =>
      expect(subscribedStreams()).toEqual(
        expect.arrayContaining(["spot.btcusdt.ticker", "spot.btcusdt.trade", "spot.btcusdt.depth", "spot.btcusdt.kline_15m"]),
      ),
    );
    expect(subscribedStreams()).not.toContain("spot.btcusdt.markprice");
    for (const id of ["price-chart", "order-book", "recent-trades", "order-ticket", "stats-strip"]) {
      expect(screen.getByTestId(id)).toBeInTheDocument();
    }
    marketFrame("spot.btcusdt.ticker", { c: "30010.00", o: "29000", h: "30500", l: "28900", v: "1234.5", q: "37000000", P: "3.483", p: "1010.00" }, { snapshot: true });
    expect(screen.getByTestId("stats-last")).toHaveTextContent("30,010.00");
    expect(screen.getByTestId("stats-change")).toHaveTextContent("+3.48%");

    marketFrame("spot.btcusdt.depth", { bids: [["30000.00", "1"]], asks: [["30010.50", "2"]], u: "5" }, { snapshot: true });
    await screen.findByRole("button", { name: "Buy BTC" });
    await user.click(screen.getByTestId("book-ask-30010.50"));
    expect(screen.getByTestId("ticket-price")).toHaveValue("30010.50");
  });

  it("shows mark price and funding for USD-M, hedge-mode position side, and remembers the chart interval", async () => {
    const fetch = routes();
    const user = userEvent.setup();
    page("/trade/usdm/BTCUSDT");
    openSockets();
    await waitFor(() => expect(subscribedStreams()).toContain("usdm.btcusdt.markprice"));
    marketFrame("usdm.btcusdt.markprice", { p: "30001.5", i: "30000", r: "0.0001", T: String(Date.now() + 3_600_000) }, { snapshot: true });
    expect(screen.getByTestId("stats-mark")).toHaveTextContent("30,001.5");
    expect(screen.getByTestId("stats-funding")).toHaveTextContent("+0.0100%");
    expect(await within(screen.getByTestId("order-ticket")).findByRole("combobox", { name: "Position side" })).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "4h candles" }));
    await waitFor(() => expect(subscribedStreams()).toContain("usdm.btcusdt.kline_4h"));
    const put = fetch.mock.calls.find(([url, init]) => url === "/api/preferences/" && (init as RequestInit).method === "PUT");
    expect(JSON.parse(String((put?.[1] as RequestInit).body))).toEqual({ chart_interval: "4h" });
  });

  it("lets a viewer see everything but not trade", async () => {
    routes();
    page("/trade/spot/BTCUSDT", "viewer");
    openSockets();
    expect(screen.getByTestId("order-book")).toBeInTheDocument();
    expect(screen.getByTestId("ticket-submit")).toBeDisabled();
    expect(screen.getByTestId("ticket-viewer-note")).toHaveTextContent("Viewers can't trade");
  });

  it("says so for an unknown market", () => {
    routes();
    page("/trade/coinm/BTCUSD");
    expect(screen.getByText(/Unknown market/)).toBeInTheDocument();
  });
});
