import { describe, expect, it, vi } from "vitest";
import { api, ApiError, getCookie, NetworkError, onUnauthenticated, UnauthenticatedError } from "./client";
import { fetchReadyz, failingChecks } from "./health";
import { jsonResponse, mockFetch, READY_FAIL, READY_OK } from "../test/utils";

function headersOf(call: unknown[]): Record<string, string> {
  return ((call[1] as RequestInit).headers ?? {}) as Record<string, string>;
}

describe("api client", () => {
  it("reads cookies by name", () => {
    document.cookie = "other=1";
    document.cookie = "csrftoken=tok%3D1";
    expect(getCookie("csrftoken")).toBe("tok=1");
    expect(getCookie("missing")).toBeNull();
  });

  it("sends X-CSRFToken from the csrftoken cookie and same-origin credentials on POST", async () => {
    document.cookie = "csrftoken=abc123";
    const fetchMock = mockFetch({ "POST /api/things/": { ok: true } });
    await expect(api.post("/api/things/", { a: "1.50" })).resolves.toEqual({ ok: true });

    expect(fetchMock).toHaveBeenCalledTimes(1);
    const call = fetchMock.mock.calls[0]!;
    const init = call[1] as RequestInit;
    expect(init.method).toBe("POST");
    expect(init.credentials).toBe("same-origin");
    expect(init.body).toBe(JSON.stringify({ a: "1.50" }));
    expect(headersOf(call)["X-CSRFToken"]).toBe("abc123");
    expect(headersOf(call)["Content-Type"]).toBe("application/json");
  });

  it("does not send the CSRF header on GET", async () => {
    document.cookie = "csrftoken=abc123";
    const fetchMock = mockFetch({ "/api/things/": [] });
    await api.get("/api/things/");
    expect(headersOf(fetchMock.mock.calls[0]!)["X-CSRFToken"]).toBeUndefined();
    expect((fetchMock.mock.calls[0]![1] as RequestInit).credentials).toBe("same-origin");
  });

  it("fetches the session first to obtain a CSRF cookie when there is none", async () => {
    const fetchMock = mockFetch({
      "GET /api/auth/session/": () => {
        document.cookie = "csrftoken=fresh";
        return jsonResponse({ authenticated: false, user: null });
      },
      "POST /api/auth/logout/": () => new Response(null, { status: 204 }),
    });
    await expect(api.post("/api/auth/logout/")).resolves.toBeNull();
    expect(fetchMock.mock.calls.map((c) => c[0])).toEqual(["/api/auth/session/", "/api/auth/logout/"]);
    expect(headersOf(fetchMock.mock.calls[1]!)["X-CSRFToken"]).toBe("fresh");
  });

  it("turns 403 'credentials were not provided' into UnauthenticatedError and notifies listeners", async () => {
    mockFetch({ "/api/orders/": jsonResponse({ detail: "Authentication credentials were not provided." }, 403) });
    const listener = vi.fn();
    const unsubscribe = onUnauthenticated(listener);
    try {
      const error = await api.get("/api/orders/").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnauthenticatedError);
      expect((error as ApiError).status).toBe(403);
      expect(listener).toHaveBeenCalledTimes(1);
    } finally {
      unsubscribe();
    }
  });

  it("treats 401 as unauthenticated", async () => {
    mockFetch({ "/api/orders/": jsonResponse({ detail: "Invalid session." }, 401) });
    await expect(api.get("/api/orders/")).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it("keeps permission 403s as plain ApiErrors (the user stays signed in)", async () => {
    mockFetch({ "/api/keys/": jsonResponse({ detail: "You do not have permission to perform this action." }, 403) });
    const listener = vi.fn();
    const unsubscribe = onUnauthenticated(listener);
    try {
      const error = await api.get("/api/keys/").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).not.toBeInstanceOf(UnauthenticatedError);
      expect((error as Error).message).toBe("You do not have permission to perform this action.");
      expect(listener).not.toHaveBeenCalled();
    } finally {
      unsubscribe();
    }
  });

  it("exposes DRF field errors", async () => {
    document.cookie = "csrftoken=x";
    mockFetch({ "POST /api/auth/login/": jsonResponse({ username: ["This field is required."] }, 400) });
    const error = (await api.post("/api/auth/login/", {}).catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(400);
    expect(error.fieldErrors).toEqual({ username: ["This field is required."] });
  });

  it("wraps network failures in NetworkError", async () => {
    vi.stubGlobal("fetch", vi.fn().mockRejectedValue(new TypeError("Failed to fetch")));
    await expect(api.get("/api/things/")).rejects.toBeInstanceOf(NetworkError);
  });
});

describe("readyz", () => {
  it("returns the body for 200 and for 503", async () => {
    mockFetch({ "/readyz": jsonResponse(READY_OK) });
    await expect(fetchReadyz()).resolves.toEqual(READY_OK);
    mockFetch({ "/readyz": jsonResponse(READY_FAIL, 503) });
    const fail = await fetchReadyz();
    expect(fail.status).toBe("fail");
    expect(failingChecks(fail)).toEqual(["celery", "redis"]);
  });

  it("rejects a 503 without the readiness body (e.g. a proxy error page)", async () => {
    mockFetch({ "/readyz": new Response("<html>Bad gateway</html>", { status: 503 }) });
    await expect(fetchReadyz()).rejects.toThrow();
  });
});
