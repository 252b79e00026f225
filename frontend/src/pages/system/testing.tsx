import type { ReactElement } from "react";
import { act, render } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { QueryClientProvider } from "@tanstack/react-query";
import { CssBaseline, ThemeProvider } from "@mui/material";
import { vi } from "vitest";
import type { Role, User } from "../../api/types";
import { AuthContext, type AuthContextValue } from "../../auth/AuthContext";
import { RealtimeProvider } from "../../realtime";
import { FakeWebSocket } from "../../test/fakeWebSocket";
import { LocationProbe, testQueryClient } from "../../test/utils";
import { theme } from "../../theme";

/**
 * Test support for the portfolio, positions, risk, alerts and system pages: renders with a fixed
 * signed-in user (no session request) and the real realtime provider over FakeWebSocket, so tests
 * can push account events and market frames the way the server does.
 */

const OPTIONS = {
  market: { heartbeatMs: 0, random: () => 0, minBackoffMs: 60_000, unsubscribeGraceMs: 0 },
  account: { heartbeatMs: 0, random: () => 0, minBackoffMs: 60_000 },
};

export function userWith(role: Role): User {
  return { id: 5, username: role, roles: [role], is_superuser: false };
}

function authValue(user: User): AuthContextValue {
  return {
    state: "ready",
    session: { authenticated: true, user },
    user,
    error: null,
    login: vi.fn(),
    logout: vi.fn(),
    refresh: vi.fn(),
  };
}

export function renderPage(ui: ReactElement, { role = "trader", route = "/" }: { role?: Role; route?: string } = {}) {
  const queryClient = testQueryClient();
  const result = render(
    <MemoryRouter initialEntries={[route]}>
      <QueryClientProvider client={queryClient}>
        <ThemeProvider theme={theme}>
          <CssBaseline />
          <AuthContext.Provider value={authValue(userWith(role))}>
            <RealtimeProvider options={OPTIONS}>
              {ui}
              <LocationProbe />
            </RealtimeProvider>
          </AuthContext.Provider>
        </ThemeProvider>
      </QueryClientProvider>
    </MemoryRouter>,
  );
  return { ...result, queryClient };
}

function socket(path: string): FakeWebSocket {
  const ws = FakeWebSocket.instances.filter((s) => s.url.endsWith(path)).at(-1);
  if (!ws) throw new Error(`no socket for ${path}`);
  return ws;
}

/** Opens `/ws/account/` with the server's hello; returns a sender of numbered events. */
export function openAccountSocket(): (kind: string, payload: Record<string, unknown>) => void {
  const ws = socket("/ws/account/");
  let seq = 0;
  act(() => {
    ws.serverOpen();
    ws.serverMessage({ type: "hello", seq });
  });
  return (kind, payload) => {
    seq += 1;
    act(() => ws.serverMessage({ type: "event", kind, seq, payload }));
  };
}

/** Opens `/ws/market/`; returns a sender of stream updates (`{"stream", "E", "data"}` messages). */
export function openMarketSocket(): { ws: FakeWebSocket; send: (stream: string, data: Record<string, unknown>) => void } {
  const ws = socket("/ws/market/");
  act(() => {
    ws.serverOpen();
    ws.serverMessage({ type: "hello", max_streams: 50 });
  });
  let e = 1_700_000_000_000;
  return {
    ws,
    send: (stream, data) => {
      e += 1000;
      act(() => ws.serverMessage({ type: "update", stream, message: { stream, E: e, data } }));
    },
  };
}
