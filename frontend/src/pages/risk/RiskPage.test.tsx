import { beforeEach, describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { RiskLimits, RiskUsage, TradingStateResponse } from "../../api/risk";
import { jsonResponse, mockFetch } from "../../test/utils";
import { renderPage } from "../system/testing";
import { preferencesBody } from "./preferences";
import { RiskPage } from "./RiskPage";

const STATE: TradingStateResponse = {
  global: "REDUCE_ONLY",
  effective: { SPOT: "REDUCE_ONLY", USDM: "HALTED" },
  scopes: [
    { scope: "all", level: "global", state: "REDUCE_ONLY", reason: "daily loss 520 over 500", source: "trigger", actor: null, created_at: new Date(Date.now() - 180_000).toISOString() },
    { scope: "usdm", level: "market", state: "HALTED", reason: "user stream down", source: "manual", actor: "ops", created_at: new Date(Date.now() - 60_000).toISOString() },
  ],
  history: [],
};

const USAGE: RiskUsage = {
  version: 4,
  limits: [
    { limit: "max_gross_exposure", label: "Total exposure", unit: "USDT", limit_value: "100000", current: "95000.5", used_pct: "95.0005", detail: "" },
    { limit: "max_open_orders_total", label: "Open orders", unit: "orders", limit_value: "50", current: "3", used_pct: "6", detail: "" },
  ],
};

const LIMITS = { version: 4, is_active: true, created_by: "admin", created_at: "2026-11-20T10:00:00Z", comment: "tighter", max_order_notional: "5000", max_position_notional: "20000", max_gross_exposure: "100000", max_leverage: 10, max_open_orders_per_symbol: 10, max_open_orders_total: 50, price_band_pct: "5", max_orders_per_minute: 60, daily_loss_limit: "500", max_drawdown_pct: "10", correlation_interval: "1h", correlation_window: 48, correlation_threshold: "0.8", max_correlated_exposure: "40000", overrides: [{ market: "USDM", symbol: "ETHUSDT", max_order_notional: "1000", max_position_notional: null, max_leverage: 5, max_open_orders: null, price_band_pct: null }] } satisfies RiskLimits;

const PREFS = { watched_symbols: ["SPOT:BTCUSDT"], default_market: "SPOT", chart_interval: "1m", layout: {}, theme: "dark", order_ticket_defaults: { symbol: "BTCUSDT" }, updated_at: "2026-11-25T10:00:00Z" };

function routes(extra: Record<string, unknown> = {}) {
  return {
    "/api/risk/state/": STATE,
    "/api/risk/usage/": USAGE,
    "/api/risk/alerts/?open=1": [
      { id: 3, trigger: "daily_loss", scope: "all", severity: "critical", action: "REDUCE_ONLY", message: "Daily loss 520 USDT over 500", values: {}, fire_count: 1, opened_at: new Date(Date.now() - 180_000).toISOString(), last_fired_at: null, resolved_at: null },
    ],
    "/api/kill-switch/": [],
    "/api/exchange/status/": { environment: "sim", breakers: [], pools: [], blocked_for_s: {}, time_offset_ms: 0 },
    "/api/config/risk-limits/": LIMITS,
    "GET /api/preferences/": PREFS,
    ...extra,
  };
}

beforeEach(() => {
  document.cookie = "csrftoken=test-token; path=/";
});

describe("preferencesBody", () => {
  it("keeps ticket keys the form does not edit and drops emptied ones", () => {
    const body = preferencesBody(
      { theme: "light", default_market: "USDM", chart_interval: "5m", type: "LIMIT", time_in_force: "", quantity: "0.01", post_only: true, reduce_only: false, confirm_above_notional: "" },
      { order_ticket_defaults: { symbol: "BTCUSDT", time_in_force: "GTC", confirm_above_notional: "1000" } },
    );
    expect(body).toEqual({
      theme: "light",
      default_market: "USDM",
      chart_interval: "5m",
      order_ticket_defaults: { symbol: "BTCUSDT", type: "LIMIT", quantity: "0.01", post_only: true, reduce_only: false },
    });
  });
});

describe("RiskPage", { timeout: 20_000 }, () => {
  it("shows the trading state with reasons, usage bars and open risk alerts", async () => {
    mockFetch(routes());
    renderPage(<RiskPage />);
    const state = screen.getByTestId("trading-state");
    await waitFor(() => expect(state).toHaveAttribute("data-state", "REDUCE_ONLY"));
    expect(within(state).getByTestId("trading-scope-usdm")).toHaveTextContent("HALTED");
    expect(within(state).getByTestId("trading-scope-usdm")).toHaveTextContent("user stream down");
    expect(within(state).getByTestId("trading-scope-all")).toHaveTextContent("3 min ago");
    expect(state).toHaveTextContent("USD-M: HALTED");
    await waitFor(() => expect(screen.getByTestId("usage-max_gross_exposure")).toHaveAttribute("data-level", "error"));
    expect(screen.getByTestId("usage-max_open_orders_total")).toHaveAttribute("data-level", "normal");
    expect(await screen.findByTestId("risk-alert-3")).toHaveTextContent("Daily loss 520 USDT over 500");
    // Traders do not see the admin's limits panel.
    expect(screen.queryByTestId("risk-limits")).toBeNull();
  });

  it("shows admins the active limits version read-only, with a link to change it in the admin", async () => {
    mockFetch(routes());
    renderPage(<RiskPage />, { role: "admin" });
    const limits = await screen.findByTestId("risk-limits");
    await waitFor(() => expect(limits).toHaveTextContent("Active risk limits · version 4"));
    expect(limits).toHaveTextContent("Daily loss limit500 USDT");
    expect(limits).toHaveTextContent("USDM:ETHUSDT");
    expect(within(limits).getByRole("link", { name: "Change in admin" })).toHaveAttribute("href", "/admin/config/risklimits/");
    expect(within(limits).queryByRole("textbox")).toBeNull();
  });

  it("saves preferences and shows the server's field errors next to the fields", async () => {
    const user = userEvent.setup({ delay: null });
    const bodies: unknown[] = [];
    mockFetch(
      routes({
        "PUT /api/preferences/": (_url: string, init: RequestInit) => {
          const body = JSON.parse(String(init.body)) as Record<string, unknown>;
          bodies.push(body);
          if (bodies.length === 1) {
            return jsonResponse({ chart_interval: ["Use one of 1m, 5m."], order_ticket_defaults: ["Unknown keys: confirm_above_notional."] }, 400);
          }
          return jsonResponse({ ...PREFS, ...body });
        },
      }),
    );
    renderPage(<RiskPage />);
    const prefs = await screen.findByTestId("preferences");
    const save = await within(prefs).findByTestId("preferences-save");
    expect(save).toBeDisabled();
    await user.type(within(prefs).getByTestId("pref-confirm-above"), "2500");
    await user.click(save);

    await waitFor(() => expect(prefs).toHaveTextContent("Use one of 1m, 5m."));
    expect(prefs).toHaveTextContent("Unknown keys: confirm_above_notional.");
    expect(bodies[0]).toEqual({
      theme: "dark",
      default_market: "SPOT",
      chart_interval: "1m",
      order_ticket_defaults: { symbol: "BTCUSDT", confirm_above_notional: "2500", post_only: false, reduce_only: false },
    });

    await user.clear(within(prefs).getByTestId("pref-confirm-above"));
    await user.click(save);
    expect(await within(prefs).findByText("Preferences saved.")).toBeInTheDocument();
    expect(bodies).toHaveLength(2);
  });
});
