import { Route, Routes } from "react-router-dom";
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { vi } from "vitest";
import type { SessionResponse } from "../api/types";
import { FakeWebSocket } from "../test/fakeWebSocket";
import { ADMIN_SESSION, jsonResponse, READY_OK, renderWithProviders } from "../test/utils";
import { AppShell } from "./AppShell";
import { environmentBadge } from "../api/exchange";
import { worstState } from "./useTradingState";
import { THEME_STORAGE_KEY } from "./themeMode";

interface Stub {
  environment: string;
  global: string;
  puts: unknown[];
  stateCalls: number;
}

function stub(session: SessionResponse = ADMIN_SESSION, environment = "sim"): Stub {
  const s: Stub = { environment, global: "HALTED", puts: [], stateCalls: 0 };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const url = new URL(String(input), "http://test");
      const method = (init.method ?? "GET").toUpperCase();
      switch (url.pathname) {
        case "/api/auth/session/":
          document.cookie = "csrftoken=t";
          return jsonResponse(session);
        case "/readyz":
          return jsonResponse(READY_OK);
        case "/api/exchange/status/":
          return jsonResponse({ environment: s.environment, breakers: [], pools: [], blocked_for_s: {}, time_offset_ms: 0 });
        case "/api/risk/state/":
          s.stateCalls += 1;
          return jsonResponse({
            global: s.global,
            effective: { SPOT: s.global, USDM: s.global },
            scopes: [{ scope: "all", state: s.global, reason: "kill switch", source: "kill_switch" }],
            history: [],
          });
        case "/api/preferences/":
          if (method === "PUT") s.puts.push(JSON.parse(String(init.body)));
          return jsonResponse({
            watched_symbols: [],
            default_market: "SPOT",
            chart_interval: "1m",
            layout: {},
            theme: method === "PUT" ? (JSON.parse(String(init.body)) as { theme: string }).theme : "dark",
            order_ticket_defaults: {},
            updated_at: null,
          });
        default:
          return jsonResponse({ detail: "Not found." }, 404);
      }
    }),
  );
  return s;
}

function renderShell(route = "/trade") {
  return renderWithProviders(
    <Routes>
      <Route element={<AppShell />}>
        <Route path="/trade" element={<h1>Trade page</h1>} />
        <Route path="/orders" element={<h1>Orders page</h1>} />
      </Route>
    </Routes>,
    { route },
  );
}

function socket(path: string): FakeWebSocket {
  const ws = FakeWebSocket.instances.filter((w) => w.url.endsWith(path)).at(-1);
  if (!ws) throw new Error(`no socket ${path}`);
  return ws;
}

describe("environment badge", { timeout: 20_000 }, () => {
  it.each([
    ["sim", "SIM"],
    ["testnet", "TESTNET"],
    ["live", "LIVE"],
  ])("shows %s as %s, each in its own colour", async (env, label) => {
    stub(ADMIN_SESSION, env);
    renderShell();
    const badge = await screen.findByTestId("environment-badge");
    await waitFor(() => expect(screen.getByTestId("environment-badge")).toHaveAttribute("data-environment", label));
    expect(screen.getByTestId("environment-badge")).toHaveTextContent(label);
    expect(badge).toBeInTheDocument();
  });

  it("uses three distinct background colours", async () => {
    const colours = new Set<string>();
    for (const env of ["sim", "testnet", "live"]) {
      stub(ADMIN_SESSION, env);
      const { unmount } = renderShell();
      await waitFor(() => expect(screen.getByTestId("environment-badge")).not.toHaveAttribute("data-environment", "unknown"));
      colours.add(getComputedStyle(screen.getByTestId("environment-badge")).backgroundColor);
      unmount();
    }
    expect(colours.size).toBe(3);
  });

  it.each([
    ["sim", "SIM"],
    ["SIM", "SIM"],
    ["testnet", "TESTNET"],
    ["live", "LIVE"],
    ["", null],
    ["paper", null],
  ])("environmentBadge(%j) = %s", (env, out) => {
    expect(environmentBadge(env)).toBe(out);
  });
});

describe("top bar", { timeout: 20_000 }, () => {
  it("shows the trading state and refreshes it on a risk event", async () => {
    const s = stub();
    renderShell();
    await screen.findByTestId("trading-state-chip");
    await waitFor(() => expect(screen.getByTestId("trading-state-chip")).toHaveAttribute("data-state", "HALTED"));
    expect(screen.getByTestId("trading-state-chip")).toHaveTextContent("Halted");
    const account = socket("/ws/account/");
    act(() => {
      account.serverOpen();
      account.serverMessage({ type: "hello", seq: 3 });
    });
    s.global = "ACTIVE";
    act(() =>
      account.serverMessage({ type: "event", kind: "risk", seq: 4, payload: { event: "risk.state", scope: "all", state: "ACTIVE" } }),
    );
    await waitFor(() => expect(screen.getByTestId("trading-state-chip")).toHaveAttribute("data-state", "ACTIVE"));
  });

  it("shows a banner while a socket is offline and confirms when live data is back", async () => {
    stub();
    renderShell();
    await waitFor(() => expect(screen.getByTestId("current-username")).toHaveTextContent("admin"));
    expect(screen.getByTestId("connection-indicator")).toHaveAttribute("data-status", "connecting");
    const market = socket("/ws/market/");
    const account = socket("/ws/account/");
    act(() => {
      market.serverOpen();
      account.serverOpen();
      account.serverMessage({ type: "hello", seq: 1 });
    });
    expect(screen.getByTestId("connection-indicator")).toHaveAttribute("data-status", "online");
    expect(screen.queryByTestId("realtime-banner")).toBeNull();

    vi.useFakeTimers({ shouldAdvanceTime: true });
    act(() => market.serverClose(4408));
    expect(screen.getByTestId("connection-indicator")).toHaveAttribute("data-status", "offline");
    expect(screen.getByTestId("connection-indicator")).toHaveAttribute("data-market", "offline");
    expect(screen.getByTestId("realtime-banner")).toHaveTextContent(/Reconnecting to live data \(market data\)… retrying in \d+ s/);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(31_000);
    });
    const again = socket("/ws/market/");
    expect(again).not.toBe(market);
    act(() => again.serverOpen());
    expect(screen.getByTestId("realtime-banner")).toHaveTextContent("Live data restored — refreshed");
    expect(screen.getByTestId("connection-indicator")).toHaveAttribute("data-status", "online");
  });

  it("has a user menu with roles and a theme switch saved to preferences and this browser", async () => {
    const s = stub();
    renderShell();
    await waitFor(() => expect(screen.getByTestId("current-username")).toHaveTextContent("admin"));
    await userEvent.click(screen.getByTestId("user-menu-button"));
    const menu = await screen.findByRole("menu");
    expect(within(menu).getByTestId("user-roles")).toHaveTextContent("Roles: admin (superuser)");
    await userEvent.click(within(menu).getByTestId("theme-toggle"));
    await waitFor(() => expect(s.puts).toEqual([{ theme: "light" }]));
    await waitFor(() => expect(window.localStorage.getItem(THEME_STORAGE_KEY)).toBe("light"));
    expect(within(screen.getByRole("menu")).getByTestId("theme-toggle")).toHaveTextContent("Dark theme");
  });

  it("is keyboard usable: skip link, shortcuts help, Alt+digit navigation, collapsible nav", async () => {
    stub();
    renderShell("/trade");
    await screen.findByTestId("current-username");
    expect(screen.getByRole("link", { name: "Skip to content" })).toHaveAttribute("href", "#main-content");
    expect(document.getElementById("main-content")).toHaveTextContent("Trade page");

    fireEvent.keyDown(window, { key: "?" });
    const dialog = await screen.findByRole("dialog", { name: "Keyboard shortcuts" });
    expect(dialog).toHaveTextContent("Alt+3");
    expect(dialog).toHaveTextContent("Go to Orders");
    await userEvent.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());

    fireEvent.keyDown(window, { key: "3", code: "Digit3", altKey: true });
    expect(await screen.findByText("Orders page")).toBeInTheDocument();
    expect(screen.getByTestId("location")).toHaveTextContent("/orders");

    const nav = screen.getByRole("navigation", { name: "Main navigation" });
    expect(within(nav).getByTestId("nav-orders")).toHaveClass("Mui-selected");
    await userEvent.click(screen.getByTestId("nav-collapse"));
    expect(screen.getByTestId("nav-collapse")).toHaveAttribute("aria-label", "Expand navigation");
    // Collapsed items keep their names for assistive technology.
    expect(within(nav).getByRole("link", { name: "Positions" })).toBeInTheDocument();

    // Typing in a field never triggers shortcuts.
    const input = document.createElement("input");
    document.body.appendChild(input);
    fireEvent.keyDown(input, { key: "?" });
    expect(screen.queryByRole("dialog")).toBeNull();
    input.remove();
  });
});

describe("worstState", () => {
  it.each([
    [["ACTIVE", "ACTIVE"], "ACTIVE"],
    [["ACTIVE", "REDUCE_ONLY"], "REDUCE_ONLY"],
    [["REDUCE_ONLY", "HALTED", "ACTIVE"], "HALTED"],
    [["ACTIVE", "SOMETHING_NEW"], "HALTED"],
  ])("%j -> %s", (states, out) => {
    expect(worstState(states)).toBe(out);
  });
});
