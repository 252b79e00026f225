import { describe, expect, it, vi } from "vitest";
import { act, screen, waitFor, within } from "@testing-library/react";
import type { SystemStatus } from "../../api/status";
import { jsonResponse, mockFetch } from "../../test/utils";
import { renderPage } from "./testing";
import { SystemPage } from "./SystemPage";

function status(): SystemStatus {
  const since = new Date(Date.now() - 90_000).toISOString();
  return {
    generated_at: new Date().toISOString(),
    overall: "down",
    environment: "sim",
    components: [
      { name: "web", state: "ok", message: "serving", detail: {}, since },
      { name: "worker", state: "down", message: "no worker answered the ping", detail: {}, since },
      { name: "streams", state: "degraded", message: "reconnecting: futures", detail: {}, since },
      { name: "market_data", state: "degraded", message: "1 of 4 streams stale: usdm.btcusdt.depth", detail: { running: true, streams: 4, stale: ["usdm.btcusdt.depth"] }, since },
      {
        name: "rate_budget",
        state: "degraded",
        message: "over budget: spot weight 85.0 %",
        detail: { pools: [{ market: "spot", scope: "ip", pool: "weight", used: 5100, limit: 6000, used_pct: "85.0" }] },
        since,
      },
      { name: "breakers", state: "down", message: "open: futures orders", detail: { breakers: [{ market: "futures", group: "orders", state: "open", failures: 5 }] }, since },
      { name: "clock", state: "ok", message: "offset 12 ms", detail: { offset_ms: { spot: 12, futures: -3 } }, since },
    ],
  };
}

const ROUTES = {
  "/api/streams/health/": {
    running: true,
    process: {},
    down_after_s: 30,
    ok: false,
    streams: [
      { name: "futures", market: "USDM", state: "reconnecting", connected: false, connected_since_ms: null, down_since_ms: 1, last_event_ms: 1, reconnects: 4, resyncs: 1, events: 90, buffered: 0, last_error: "connection reset", last_error_ms: 1, down_for_s: 12, last_event_age_s: 14, ok: true },
    ],
  },
  "/api/exchange/status/": { environment: "sim", breakers: [], pools: [], blocked_for_s: {}, time_offset_ms: 7 },
  "/api/status/exchange-errors/?limit=50": {
    results: [
      { created_at: new Date().toISOString(), endpoint: "POST /fapi/v1/order", market: "futures", http_status: 400, binance_code: -2019, outcome: "rejected", message: "Margin is insufficient.", latency_ms: "41.20" },
    ],
  },
};

describe("SystemPage", { timeout: 20_000 }, () => {
  it("shows each component's state with the worst first, the gauges, breakers, streams and errors", async () => {
    mockFetch({ "/api/status/": status(), ...ROUTES });
    renderPage(<SystemPage />);

    const worker = await screen.findByTestId("component-worker");
    expect(worker).toHaveAttribute("data-state", "down");
    expect(worker).toHaveTextContent("no worker answered the ping");
    expect(worker).toHaveTextContent("down for 1 min");
    expect(screen.getByTestId("component-streams")).toHaveAttribute("data-state", "degraded");
    expect(screen.getByTestId("component-web")).toHaveAttribute("data-state", "ok");
    const names = within(screen.getByTestId("system-components"))
      .getAllByTestId(/^component-/)
      .map((el) => el.getAttribute("data-state"));
    expect(names).toEqual(["down", "down", "degraded", "degraded", "degraded", "ok", "ok"]);
    expect(screen.getByTestId("system-status")).toHaveTextContent("Overall: down");

    expect(screen.getByTestId("rate-budget")).toHaveTextContent("5100 / 6000 (85.0 %)");
    expect(screen.getByTestId("breaker-futures-orders")).toHaveAttribute("data-state", "open");
    expect(screen.getByTestId("clock-offset")).toHaveTextContent("spot: 12 ms");
    expect(screen.getByTestId("clock-offset")).toHaveTextContent("futures: -3 ms");
    expect(screen.getByTestId("market-data-health")).toHaveTextContent("stale: usdm.btcusdt.depth");
    await waitFor(() => expect(screen.getByTestId("stream-futures")).toHaveTextContent("connection reset"));
    await waitFor(() => expect(screen.getByTestId("exchange-errors")).toHaveTextContent("Margin is insufficient."));
    expect(screen.getByTestId("exchange-errors")).toHaveTextContent("-2019");
    expect(screen.getByTestId("system-body")).toHaveAttribute("data-stale", "false");
  });

  it("greys the page and says how old the data is once refreshes stop arriving", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let fail = false;
    mockFetch({
      "/api/status/": () => (fail ? jsonResponse({ detail: "Service unavailable" }, 503) : jsonResponse(status())),
      ...ROUTES,
    });
    renderPage(<SystemPage />);
    await screen.findByTestId("component-worker");
    expect(screen.getByTestId("system-body")).toHaveAttribute("data-stale", "false");
    expect(screen.getByTestId("system-age")).toHaveTextContent(/^Updated \d+ s ago$/);

    fail = true;
    await act(async () => {
      await vi.advanceTimersByTimeAsync(20_000);
    });
    await waitFor(() => expect(screen.getByTestId("system-body")).toHaveAttribute("data-stale", "true"));
    expect(screen.getByTestId("system-age")).toHaveTextContent(/Updated 2\d s ago \(stale\)/);
    expect(screen.getByText(/Showing the last known status/)).toBeInTheDocument();
    // The last known picture stays visible, greyed.
    expect(screen.getByTestId("component-worker")).toHaveAttribute("data-state", "down");
  });
});
