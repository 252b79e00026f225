import type { ReactElement } from "react";
import { render } from "@testing-library/react";
import { MemoryRouter, useLocation } from "react-router-dom";
import { QueryClient } from "@tanstack/react-query";
import { vi, type Mock } from "vitest";
import { AppProviders } from "../App";
import type { ReadyzResponse, SessionResponse } from "../api/types";

export function testQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } },
  });
}

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(body === null ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

export const ADMIN_SESSION: SessionResponse = {
  authenticated: true,
  user: { id: 1, username: "admin", roles: ["admin"], is_superuser: true },
};

export const LOGGED_OUT_SESSION: SessionResponse = { authenticated: false, user: null };

export const READY_OK: ReadyzResponse = {
  status: "ok",
  checks: {
    database: { ok: true, latency_ms: "1.2", error: null },
    redis: { ok: true, latency_ms: "0.4", error: null },
    channel_layer: { ok: true, latency_ms: "0.9", error: null },
    celery: { ok: true, latency_ms: "12.5", error: null },
  },
};

export const READY_FAIL: ReadyzResponse = {
  status: "fail",
  checks: {
    database: { ok: true, latency_ms: "1.2", error: null },
    redis: { ok: false, latency_ms: null, error: "Connection refused" },
    channel_layer: { ok: true, latency_ms: "0.9", error: null },
    celery: { ok: false, latency_ms: null, error: "No workers answered" },
  },
};

type Handler = (url: string, init: RequestInit) => Response | Promise<Response>;

/**
 * Stubs global fetch with a router keyed by "METHOD path" (or just "path" for any method).
 * Unknown URLs answer 404. Returns the mock for call assertions.
 */
export function mockFetch(routes: Record<string, Handler | Response | unknown>): Mock {
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.pathname : input.url;
    const method = (init.method ?? "GET").toUpperCase();
    const route = routes[`${method} ${url}`] ?? routes[url];
    if (route === undefined) return jsonResponse({ detail: "Not found." }, 404);
    if (typeof route === "function") return (route as Handler)(url, init);
    if (route instanceof Response) return route.clone();
    return jsonResponse(route);
  });
  vi.stubGlobal("fetch", fn);
  return fn;
}

export function LocationProbe() {
  const location = useLocation();
  return <div data-testid="location">{location.pathname}</div>;
}

export function renderWithProviders(
  ui: ReactElement,
  { route = "/", queryClient = testQueryClient() }: { route?: string; queryClient?: QueryClient } = {},
) {
  const result = render(
    <MemoryRouter initialEntries={[route]}>
      <AppProviders queryClient={queryClient}>
        {ui}
        <LocationProbe />
      </AppProviders>
    </MemoryRouter>,
  );
  return { ...result, queryClient };
}
