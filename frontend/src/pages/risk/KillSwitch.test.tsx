import { beforeEach, describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { KillSwitchRun, TradingStateResponse } from "../../api/risk";
import { jsonResponse, mockFetch } from "../../test/utils";
import { openAccountSocket, renderPage } from "../system/testing";
import { KillSwitchPanel } from "./KillSwitchPanel";

const ACTIVE: TradingStateResponse = { global: "ACTIVE", effective: { SPOT: "ACTIVE", USDM: "ACTIVE" }, scopes: [], history: [] };

function halted(scope: string): TradingStateResponse {
  const row = { scope, level: "global", state: "HALTED" as const, reason: "test", source: "kill_switch", actor: "trader", created_at: "2026-11-25T14:00:00Z" };
  return { global: scope === "all" ? "HALTED" : "ACTIVE", effective: { SPOT: "HALTED", USDM: "HALTED" }, scopes: [row], history: [row] };
}

function run(overrides: Partial<KillSwitchRun>): KillSwitchRun {
  return {
    id: 7,
    scope: "USDM:BTCUSDT",
    close_positions: true,
    reason: "runaway bot",
    status: "RUNNING",
    engaged_by: "trader",
    attempts: 1,
    report: {},
    created_at: "2026-11-25T14:00:00Z",
    finished_at: null,
    steps: [],
    ...overrides,
  };
}

function step(key: string, kind: string, status: KillSwitchRun["steps"][number]["status"], error = "") {
  return { key, kind, market: "USDM", symbol: "BTCUSDT", status, detail: {}, result: {}, error, attempts: 1, started_at: null, finished_at: null };
}

function exchangeStatus(environment: string) {
  return { environment, breakers: [], pools: [], blocked_for_s: {}, time_offset_ms: 0 };
}

beforeEach(() => {
  document.cookie = "csrftoken=test-token; path=/";
});

describe("KillSwitchPanel", { timeout: 20_000 }, () => {
  it("needs a reason, sends the chosen scope and close choice, then shows progress and the final report", async () => {
    const user = userEvent.setup({ delay: null });
    let runs: KillSwitchRun[] = [];
    let state = ACTIVE;
    const posted: unknown[] = [];
    mockFetch({
      "GET /api/kill-switch/": () => jsonResponse(runs),
      "GET /api/risk/state/": () => jsonResponse(state),
      "GET /api/status/": jsonResponse({ detail: "Not found." }, 404),
      "GET /api/exchange/status/": exchangeStatus("sim"),
      "POST /api/kill-switch/": (_url: string, init: RequestInit) => {
        posted.push(JSON.parse(String(init.body)));
        state = halted("USDM:BTCUSDT");
        runs = [run({ steps: [step("cancel:futures:BTCUSDT", "cancel_futures", "DONE"), step("close_futures:BTCUSDT:BOTH:1", "close_futures", "STARTED")] })];
        return jsonResponse(run({}), 202);
      },
    });
    renderPage(<KillSwitchPanel />);
    const send = openAccountSocket();

    await user.click(screen.getByTestId("kill-switch-button"));
    const dialog = await screen.findByTestId("kill-switch-dialog");
    const confirm = within(dialog).getByTestId("kill-switch-confirm");
    expect(confirm).toBeDisabled();
    // Not live: no typed confirmation asked for.
    await waitFor(() => expect(within(dialog).queryByTestId("kill-switch-typed")).toBeNull());

    await user.click(within(dialog).getByLabelText("One symbol"));
    await user.type(within(dialog).getByTestId("kill-switch-symbol"), "btcusdt");
    await user.click(within(dialog).getByLabelText("Also close positions"));
    expect(confirm).toBeDisabled();
    await user.type(within(dialog).getByTestId("kill-switch-reason"), "runaway bot");
    expect(confirm).toBeEnabled();
    expect(confirm).toHaveTextContent("USDM:BTCUSDT");
    await user.click(confirm);

    await waitFor(() => expect(posted).toEqual([{ action: "engage", scope: "USDM:BTCUSDT", close_positions: true, reason: "runaway bot" }]));
    await waitFor(() => expect(screen.queryByTestId("kill-switch-dialog")).toBeNull());

    const progress = await screen.findByTestId("kill-switch-progress");
    await waitFor(() => expect(within(progress).getByTestId("kill-phase-close")).toHaveAttribute("data-status", "running"));
    expect(within(progress).getByTestId("kill-phase-cancel")).toHaveAttribute("data-status", "done");
    expect(progress).toHaveAttribute("data-status", "RUNNING");
    expect(screen.queryByTestId("kill-switch-report")).toBeNull();

    runs = [
      run({
        status: "COMPLETED",
        finished_at: "2026-11-25T14:00:05Z",
        steps: [
          step("cancel:futures:BTCUSDT", "cancel_futures", "DONE"),
          step("close_futures:BTCUSDT:BOTH:1", "close_futures", "DONE"),
          step("sync:orders", "sync", "DONE"),
          step("verify", "verify", "DONE"),
        ],
        report: {
          summary: { canceled_orders: 3, canceled_symbols: 1, closed: 1, dust: 0, failed: 0, attempts: 1 },
          canceled: [],
          closed: [{ market: "USDM", symbol: "BTCUSDT", side: "SELL", quantity: "0.010" }],
          dust: [],
          failed: [],
          remaining: {},
        },
      }),
    ];
    // The run's completion arrives as an account "risk" event; the panel refetches on it.
    send("risk", { event: "risk.kill_switch", id: 7, status: "COMPLETED" });

    const report = await screen.findByTestId("kill-switch-report");
    expect(report).toHaveTextContent("Orders cancelled: 3");
    expect(report).toHaveTextContent("Positions closed: 1");
    expect(report).toHaveTextContent("Closed: USDM BTCUSDT SELL 0.010");
    expect(screen.getByTestId("kill-phase-verify")).toHaveAttribute("data-status", "done");
    expect(screen.getByText(/Halted by the kill switch: USDM:BTCUSDT/)).toBeInTheDocument();
  });

  it("asks for a typed confirmation on LIVE", async () => {
    const user = userEvent.setup({ delay: null });
    const posted: unknown[] = [];
    mockFetch({
      "GET /api/kill-switch/": [],
      "GET /api/risk/state/": ACTIVE,
      "GET /api/status/": { generated_at: "2026-11-25T14:00:00Z", overall: "ok", environment: "live", components: [] },
      "GET /api/exchange/status/": exchangeStatus("live"),
      "POST /api/kill-switch/": (_url: string, init: RequestInit) => {
        posted.push(JSON.parse(String(init.body)));
        return jsonResponse(run({ scope: "all", close_positions: false }), 202);
      },
    });
    renderPage(<KillSwitchPanel />);
    await user.click(screen.getByTestId("kill-switch-button"));
    const dialog = await screen.findByTestId("kill-switch-dialog");
    await waitFor(() => expect(within(dialog).getByTestId("kill-switch-typed")).toBeInTheDocument());
    expect(dialog).toHaveTextContent("This is the LIVE exchange.");
    await user.type(within(dialog).getByTestId("kill-switch-reason"), "market crash");
    const confirm = within(dialog).getByTestId("kill-switch-confirm");
    expect(confirm).toBeDisabled();
    await user.type(within(dialog).getByTestId("kill-switch-typed"), "halt");
    expect(confirm).toBeDisabled();
    await user.clear(within(dialog).getByTestId("kill-switch-typed"));
    await user.type(within(dialog).getByTestId("kill-switch-typed"), "HALT");
    expect(confirm).toBeEnabled();
    await user.click(confirm);
    await waitFor(() => expect(posted).toEqual([{ action: "engage", scope: "all", close_positions: false, reason: "market crash" }]));
  });

  it("shows the server's refusal inside the dialog", async () => {
    const user = userEvent.setup({ delay: null });
    mockFetch({
      "GET /api/kill-switch/": [],
      "GET /api/risk/state/": ACTIVE,
      "GET /api/exchange/status/": exchangeStatus("sim"),
      "POST /api/kill-switch/": jsonResponse({ detail: "A reason is required." }, 400),
    });
    renderPage(<KillSwitchPanel />);
    await user.click(screen.getByTestId("kill-switch-button"));
    const dialog = await screen.findByTestId("kill-switch-dialog");
    await user.type(within(dialog).getByTestId("kill-switch-reason"), " x ");
    // The environment is unknown until /api/exchange/status/ answers; wait for the sim answer.
    await waitFor(() => expect(within(dialog).queryByTestId("kill-switch-typed")).toBeNull());
    await user.click(within(dialog).getByTestId("kill-switch-confirm"));
    expect(await within(dialog).findByTestId("kill-switch-error")).toHaveTextContent("A reason is required.");
  });

  it("keeps viewers away from the button and traders away from release", async () => {
    mockFetch({
      "GET /api/kill-switch/": [],
      "GET /api/risk/state/": halted("all"),
      "GET /api/exchange/status/": exchangeStatus("sim"),
    });
    const { unmount } = renderPage(<KillSwitchPanel />, { role: "viewer" });
    expect(screen.getByTestId("kill-switch-button")).toBeDisabled();
    unmount();

    renderPage(<KillSwitchPanel />, { role: "trader" });
    expect(screen.getByTestId("kill-switch-button")).toBeEnabled();
    await screen.findByText(/Halted by the kill switch: all/);
    expect(screen.getByTestId("kill-switch-release")).toBeDisabled();
  });

  it("lets an admin release a halted scope with a reason", async () => {
    const user = userEvent.setup({ delay: null });
    let state = halted("all");
    const posted: unknown[] = [];
    mockFetch({
      "GET /api/kill-switch/": [run({ scope: "all", status: "COMPLETED", finished_at: "2026-11-25T14:00:05Z", report: { summary: { canceled_orders: 0, canceled_symbols: 0, closed: 0, dust: 0, failed: 0, attempts: 1 }, failed: [] } })],
      "GET /api/risk/state/": () => jsonResponse(state),
      "GET /api/exchange/status/": exchangeStatus("sim"),
      "POST /api/kill-switch/": (_url: string, init: RequestInit) => {
        posted.push(JSON.parse(String(init.body)));
        state = ACTIVE;
        return jsonResponse({ released: true, state: { ...halted("all").scopes[0], state: "ACTIVE" } });
      },
    });
    renderPage(<KillSwitchPanel />, { role: "admin" });
    const release = screen.getByTestId("kill-switch-release");
    await waitFor(() => expect(release).toBeEnabled());
    await user.click(release);
    const dialog = await screen.findByTestId("kill-switch-release-dialog");
    const confirm = within(dialog).getByTestId("kill-switch-release-confirm");
    expect(confirm).toBeDisabled();
    await user.type(within(dialog).getByTestId("kill-switch-release-reason"), "all clear");
    await user.click(confirm);
    await waitFor(() => expect(posted).toEqual([{ action: "release", scope: "all", reason: "all clear" }]));
    await waitFor(() => expect(screen.getByTestId("kill-switch-release")).toBeDisabled());
    expect(screen.queryByText(/Halted by the kill switch/)).toBeNull();
  });
});
