import type { ReactElement, ReactNode } from "react";
import { act, render } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { QueryClientProvider } from "@tanstack/react-query";
import { ThemeProvider, createTheme } from "@mui/material";
import { vi } from "vitest";
import { AuthContext, type AuthContextValue } from "../../auth/AuthContext";
import type { Role } from "../../api/types";
import { RealtimeProvider } from "../../realtime";
import { FakeWebSocket } from "../../test/fakeWebSocket";
import { testQueryClient } from "../../test/utils";

/** Test harness of the trade view: a logged-in user of a role, the real realtime provider on fake sockets. */

const SOCKET_OPTIONS = {
  market: { heartbeatMs: 0, random: () => 0, minBackoffMs: 1_000, unsubscribeGraceMs: 0 },
  account: { heartbeatMs: 0, random: () => 0, minBackoffMs: 1_000 },
};

export function authAs(role: Role): AuthContextValue {
  const user = { id: 7, username: role, roles: [role], is_superuser: false };
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

export function renderTrade(ui: ReactElement, { role = "trader" as Role, route = "/", queryClient = testQueryClient() } = {}) {
  const theme = createTheme();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <MemoryRouter initialEntries={[route]}>
      <QueryClientProvider client={queryClient}>
        <ThemeProvider theme={theme}>
          <AuthContext.Provider value={authAs(role)}>
            <RealtimeProvider options={SOCKET_OPTIONS}>{children}</RealtimeProvider>
          </AuthContext.Provider>
        </ThemeProvider>
      </QueryClientProvider>
    </MemoryRouter>
  );
  return { ...render(ui, { wrapper }), queryClient };
}

function socket(path: string): FakeWebSocket {
  const ws = FakeWebSocket.instances.filter((s) => s.url.endsWith(path)).at(-1);
  if (!ws) throw new Error(`no socket for ${path}`);
  return ws;
}

/** Open both sockets (the market one then subscribes what the components want). */
export function openSockets(): void {
  act(() => {
    for (const path of ["/ws/market/", "/ws/account/"]) {
      const ws = socket(path);
      if (ws.readyState !== FakeWebSocket.OPEN) ws.serverOpen();
    }
  });
}

/** Streams the market socket was asked to subscribe. */
export function subscribedStreams(): string[] {
  return socket("/ws/market/").sent.flatMap((raw) => {
    const frame = JSON.parse(raw) as { action?: string; streams?: string[] };
    return frame.action === "subscribe" ? (frame.streams ?? []) : [];
  });
}

export function marketFrame(stream: string, data: unknown, { snapshot = false, E = Date.now() } = {}): void {
  act(() => {
    socket("/ws/market/").serverMessage({ type: snapshot ? "snapshot" : "update", stream, message: { stream, E, data } });
  });
}

export function accountEvent(kind: string, seq: number, payload: Record<string, unknown>): void {
  act(() => {
    socket("/ws/account/").serverMessage({ type: "event", kind, seq, payload });
  });
}

/** The market socket drops (the provider then reconnects with backoff). */
export function dropMarketSocket(): void {
  act(() => socket("/ws/market/").serverClose());
}
