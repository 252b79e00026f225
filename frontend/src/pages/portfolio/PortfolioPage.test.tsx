import { describe, expect, it, vi } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { allocationByAsset, equityQuery, portfolioTotals, type Portfolio } from "../../api/portfolio";
import type { Balance, Position } from "../../api/positions";
import { mockFetch } from "../../test/utils";
import { renderPage } from "../system/testing";
import { PortfolioPage } from "./PortfolioPage";

const chart = vi.hoisted(() => {
  const series = { setData: vi.fn(), applyOptions: vi.fn() };
  const api = { addSeries: vi.fn(() => series), remove: vi.fn(), timeScale: vi.fn(() => ({ fitContent: vi.fn() })), applyOptions: vi.fn() };
  return { series, api };
});

vi.mock("lightweight-charts", () => ({
  createChart: vi.fn(() => chart.api),
  AreaSeries: { type: "Area" },
  CandlestickSeries: { type: "Candlestick" },
  HistogramSeries: { type: "Histogram" },
  LineSeries: { type: "Line" },
  ColorType: { Solid: "solid", VerticalGradient: "gradient" },
  createSeriesMarkers: vi.fn(() => ({ setMarkers: vi.fn(), markers: vi.fn(() => []), detach: vi.fn() })),
}));

function balance(market: "SPOT" | "USDM", asset: string, fields: Partial<Balance>): Balance {
  return {
    market,
    asset,
    free: null,
    locked: null,
    total: null,
    wallet_balance: null,
    cross_wallet_balance: null,
    available_balance: null,
    unrealized_pnl: null,
    usdt_price: null,
    usdt_value: null,
    updated_at: "2026-11-25T14:00:00Z",
    ...fields,
  };
}

const pnl = (net: string) => ({ realized: net, spot_realized: "0", futures_realized: net, commission: "0", funding: "0", net });

const PORTFOLIO: Portfolio = {
  as_of: "2026-11-25T14:00:00Z",
  balances_synced: true,
  total_equity: "31101.5",
  markets: [],
  balances: [
    balance("SPOT", "BTC", { free: "0.5", locked: "0.1", total: "0.6", usdt_price: "50000", usdt_value: "30000" }),
    balance("SPOT", "USDT", { free: "100.10", locked: "0", total: "100.10", usdt_price: "1", usdt_value: "100.10" }),
    balance("USDM", "USDT", { wallet_balance: "1000", available_balance: "900.20", usdt_price: "1", usdt_value: "1001.40" }),
    balance("SPOT", "DOGE", { free: "10", total: "10" }),
  ],
  pnl: { today: pnl("12.34"), "7d": pnl("-56.78"), all: pnl("1000.01") },
  unrealized: { spot: "0.1", futures: "1.4", total: "1.5" },
  exposure: [],
  unpriced: ["DOGE"],
};

const POSITION = { initial_margin: "75.15" } as Position;

describe("portfolio arithmetic (decimal strings)", () => {
  it("totals available balance at USDT prices and margin from the positions", () => {
    expect(portfolioTotals(PORTFOLIO, [POSITION, { initial_margin: "0.05" } as Position, { initial_margin: null } as Position])).toEqual({
      equity: "31101.5",
      available: "26000.3", // 0.5 × 50000 + 100.10 × 1 + 900.20 × 1 (DOGE unpriced)
      unrealized: "1.5",
      marginUsed: "75.2",
    });
  });

  it("allocates by asset across both wallets, largest first, with exact percentages", () => {
    expect(allocationByAsset(PORTFOLIO.balances)).toEqual([
      { asset: "BTC", value: "30000", pct: "96.46" },
      { asset: "USDT", value: "1101.5", pct: "3.54" },
    ]);
  });

  it("asks the equity endpoint for each range's span and step", () => {
    const now = Date.parse("2026-11-25T14:00:00Z");
    expect(equityQuery("1D", now)).toBe("/api/equity/?since=2026-11-24T14%3A00%3A00.000Z&step=5m&market=TOTAL");
    expect(equityQuery("30D", now)).toContain("step=4h");
    expect(equityQuery("All", now)).toContain("step=1d");
  });
});

describe("PortfolioPage", { timeout: 20_000 }, () => {
  it("shows totals, P&L of each period, allocation and the equity curve for the chosen range", async () => {
    const user = userEvent.setup({ delay: null });
    const equity = (step: string, values: string[]) => ({
      market: "TOTAL",
      step,
      since: "2026-11-24T14:00:00Z",
      until: "2026-11-25T14:00:00Z",
      points: values.map((v, i) => ({ time: `2026-11-25T1${i}:00:00Z`, taken_at: `2026-11-25T1${i}:04:00Z`, equity: v, wallet: v, unrealized: "0" })),
    });
    const fetch = mockFetch({
      "/api/portfolio/": PORTFOLIO,
      "/api/positions/": [POSITION],
      "/api/income/?page_size=20": { count: 0, next: null, previous: null, results: [] },
    });
    const base = fetch.getMockImplementation()!;
    fetch.mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      if (url.startsWith("/api/equity/")) {
        const step = new URL(url, "http://x").searchParams.get("step")!;
        return new Response(JSON.stringify(step === "5m" ? equity(step, ["31000.5", "31101.5"]) : equity(step, ["30000", "30500", "31101.5"])), {
          headers: { "Content-Type": "application/json" },
        });
      }
      return base(input, init);
    });

    renderPage(<PortfolioPage />);
    await waitFor(() => expect(screen.getByTestId("pnl-today")).toHaveTextContent("+12.34"));
    expect(screen.getByTestId("pnl-7d")).toHaveTextContent("-56.78");
    expect(screen.getByTestId("pnl-all")).toHaveTextContent("+1,000.01");
    expect(screen.getByText("31,101.50")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByText("75.15")).toBeInTheDocument());
    expect(screen.getByText("26,000.30")).toBeInTheDocument();
    expect(within(screen.getByTestId("allocation-BTC")).getByText("30,000.00 · 96.46 %")).toBeInTheDocument();
    expect(screen.getByText(/No USDT price for DOGE/)).toBeInTheDocument();

    await waitFor(() => expect(screen.getByTestId("equity-chart")).toHaveAttribute("data-points", "2"));
    expect(chart.series.setData).toHaveBeenLastCalledWith([
      { time: Date.parse("2026-11-25T10:00:00Z") / 1000, value: 31000.5 },
      { time: Date.parse("2026-11-25T11:00:00Z") / 1000, value: 31101.5 },
    ]);

    await user.click(screen.getByTestId("equity-range-7D"));
    await waitFor(() => expect(screen.getByTestId("equity-chart")).toHaveAttribute("data-points", "3"));
    const urls = fetch.mock.calls.map(([u]) => String(u)).filter((u) => u.startsWith("/api/equity/"));
    expect(urls.some((u) => u.includes("step=1h"))).toBe(true);
  });
});
