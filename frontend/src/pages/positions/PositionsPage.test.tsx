import { beforeEach, describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Balance, Position } from "../../api/positions";
import { jsonResponse, mockFetch } from "../../test/utils";
import { openMarketSocket, renderPage } from "../system/testing";
import { PositionsPage } from "./PositionsPage";
import { reduceQuantity } from "./reduceQuantity";

const LONG: Position = {
  symbol: "BTCUSDT",
  position_side: "BOTH",
  quantity: "0.015",
  entry_price: "50000.0",
  break_even_price: "50020.0",
  mark_price: "50100.0",
  unrealized_pnl: "1.50000000",
  notional: "751.50",
  leverage: 10,
  margin_type: "cross",
  isolated_margin: "0",
  initial_margin: "75.15",
  maint_margin: "3.00",
  liquidation_price: "45123.4",
  margin_ratio: "1.50",
  updated_at: "2026-11-25T14:00:00Z",
  exchange_update_time: null,
};

const BALANCES: Balance[] = [
  { market: "SPOT", asset: "BTC", free: "0.50000000", locked: "0.10000000", total: "0.60000000", wallet_balance: null, cross_wallet_balance: null, available_balance: null, unrealized_pnl: null, usdt_price: "50000", usdt_value: "30000.00000000", updated_at: "2026-11-25T14:00:00Z" },
  { market: "USDM", asset: "USDT", free: null, locked: null, total: "1000.00", wallet_balance: "1000.00", cross_wallet_balance: "1000.00", available_balance: "900.00", unrealized_pnl: "1.50", usdt_price: "1", usdt_value: "1001.50", updated_at: "2026-11-25T14:00:00Z" },
];

const PLACED = { id: 91, client_order_id: "x", symbol: "BTCUSDT", side: "SELL", type: "MARKET", quantity: "0.007", reduce_only: true, position_side: "", reject_reason: "" };

const SYMBOL = { filters: { quantity: { step: "0.001", min: "0.001", max: "1000" }, market_quantity: { step: "0.001", min: "0.001", max: "120" } } };

beforeEach(() => {
  document.cookie = "csrftoken=test-token; path=/";
});

describe("reduceQuantity", () => {
  it.each([
    ["0.015", "50", "", "0.001", { quantity: "0.007" }],
    ["0.015", "25", "", "0.001", { quantity: "0.003" }],
    ["2", "25", "", null, { quantity: "0.5" }],
    ["0.015", "custom", "0.010", "0.001", { quantity: "0.010" }],
    ["0.015", "custom", "0.0105", "0.001", { error: "Use a multiple of the lot step 0.001." }],
    ["0.015", "custom", "0.020", "0.001", { error: "At most the position size, 0.015." }],
    ["0.015", "custom", "abc", "0.001", { error: "Enter a quantity, e.g. 0.010." }],
    ["0.002", "25", "", "0.001", { error: "The quantity rounds to zero at this lot step." }],
  ])("size %s, %s %s, step %s", (size, portion, custom, step, expected) => {
    expect(reduceQuantity(size, portion as "25" | "50" | "custom", custom, step)).toEqual(expected);
  });
});

describe("PositionsPage", { timeout: 20_000 }, () => {
  it("recomputes unrealized P&L and ROE from the live mark price", async () => {
    mockFetch({ "/api/positions/": [LONG], "/api/balances/": BALANCES });
    renderPage(<PositionsPage />);
    const row = await screen.findByTestId("position-row-USDM-BTCUSDT-BOTH");
    // Stored mark until the stream speaks: 0.015 × (50100 − 50000) = 1.5
    expect(within(row).getByTestId("pnl-USDM-BTCUSDT-BOTH")).toHaveTextContent("+1.50");
    expect(within(row).getByTestId("mark-BTCUSDT")).toHaveAttribute("data-live", "false");

    const market = openMarketSocket();
    await waitFor(() =>
      expect(market.ws.sent.map((s) => JSON.parse(s))).toContainEqual({ action: "subscribe", streams: ["usdm.btcusdt.markprice"] }),
    );
    market.send("usdm.btcusdt.markprice", { p: "49800.10", i: "49801", r: "0.0001", T: "1" });
    // 0.015 × (49800.10 − 50000.0) = −2.9985; margin 0.015 × 49800.10 / 10 = 74.700150 → ROE −4.01 %
    await waitFor(() => expect(within(row).getByTestId("pnl-USDM-BTCUSDT-BOTH")).toHaveTextContent("-3.00"));
    expect(within(row).getByTestId("roe-USDM-BTCUSDT-BOTH")).toHaveTextContent("-4.01 %");
    expect(within(row).getByTestId("mark-BTCUSDT")).toHaveTextContent("49,800.10");
    expect(within(row).getByTestId("mark-BTCUSDT")).toHaveAttribute("data-live", "true");
    expect(row).toHaveTextContent("747.00");

    expect(screen.getByTestId("balance-row-SPOT-BTC")).toHaveTextContent("30,000.00");
    expect(screen.getByTestId("balance-row-USDM-USDT")).toHaveTextContent("900.00");
  });

  it("reduces by 50 % with a reduce-only market order rounded down to the lot step, and shows the result", async () => {
    const user = userEvent.setup({ delay: null });
    const posted: unknown[] = [];
    let tracked = "NEW";
    mockFetch({
      "/api/positions/": [LONG],
      "/api/balances/": BALANCES,
      "/api/symbols/USDM/BTCUSDT/": SYMBOL,
      "POST /api/orders/": (_url: string, init: RequestInit) => {
        posted.push(JSON.parse(String(init.body)));
        return jsonResponse({ ...PLACED, status: "PENDING_NEW", executed_quantity: "0", average_price: null }, 202);
      },
      "/api/orders/91/": () => jsonResponse({ ...PLACED, status: tracked, executed_quantity: "0.007", average_price: "49990.5", fills: [], events: [] }),
    });
    renderPage(<PositionsPage />);
    await user.click(await screen.findByTestId("reduce-USDM-BTCUSDT-BOTH"));
    const dialog = await screen.findByTestId("reduce-dialog");
    await waitFor(() => expect(within(dialog).getByTestId("reduce-summary")).toHaveTextContent("SELL 0.007 BTCUSDT MARKET · reduce-only"));
    await user.click(within(dialog).getByTestId("reduce-confirm"));
    await waitFor(() =>
      expect(posted).toEqual([{ market: "USDM", symbol: "BTCUSDT", side: "SELL", type: "MARKET", quantity: "0.007", reduce_only: true }]),
    );
    const result = await within(dialog).findByTestId("reduce-result");
    await waitFor(() => expect(result).toHaveAttribute("data-status", "NEW"));
    // The order is followed until the exchange's final answer.
    tracked = "FILLED";
    await waitFor(() => expect(result).toHaveTextContent("Order #91 SELL 0.007 BTCUSDT: FILLED · 0.007 at 49990.5"), { timeout: 5_000 });
  });

  it("closes the full size and shows the server's refusal", async () => {
    const user = userEvent.setup({ delay: null });
    const posted: unknown[] = [];
    mockFetch({
      "/api/positions/": [{ ...LONG, quantity: "-0.015" }],
      "/api/balances/": [],
      "/api/symbols/USDM/BTCUSDT/": SYMBOL,
      "POST /api/orders/": (_url: string, init: RequestInit) => {
        posted.push(JSON.parse(String(init.body)));
        return jsonResponse({ non_field_errors: ["Trading is HALTED for all"] }, 400);
      },
    });
    renderPage(<PositionsPage />);
    await user.click(await screen.findByTestId("close-USDM-BTCUSDT-BOTH"));
    const dialog = await screen.findByTestId("reduce-dialog");
    await user.click(within(dialog).getByTestId("reduce-confirm"));
    await waitFor(() => expect(posted).toEqual([{ market: "USDM", symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.015", reduce_only: true }]));
    expect(await within(dialog).findByTestId("reduce-error")).toHaveTextContent("Trading is HALTED for all");
  });

  it("disables Close and Reduce for viewers", async () => {
    mockFetch({ "/api/positions/": [LONG], "/api/balances/": [] });
    renderPage(<PositionsPage />, { role: "viewer" });
    expect(await screen.findByTestId("close-USDM-BTCUSDT-BOTH")).toBeDisabled();
    expect(screen.getByTestId("reduce-USDM-BTCUSDT-BOTH")).toBeDisabled();
  });
});
