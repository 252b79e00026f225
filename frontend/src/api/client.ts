import type { ApiErrorBody } from "./types";

/**
 * Typed fetch client for the Django API.
 *
 * - Same-origin session cookies (`credentials: "same-origin"`).
 * - Unsafe methods send `X-CSRFToken` read from the `csrftoken` cookie at call time (Django
 *   rotates the token on login, so it is never cached).
 * - 401, and 403 caused by missing credentials, raise `UnauthenticatedError` and notify the
 *   listeners registered with `onUnauthenticated` (the auth provider shows the login page).
 *   Other 403s (a role lacking a permission, a CSRF failure) stay `ApiError`s.
 */

export const CSRF_COOKIE = "csrftoken";
export const CSRF_HEADER = "X-CSRFToken";
export const SESSION_URL = "/api/auth/session/";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

export class ApiError extends Error {
  readonly status: number;
  readonly body: ApiErrorBody | null;

  constructor(status: number, body: ApiErrorBody | null, message?: string) {
    super(message ?? errorMessage(body) ?? `Request failed with status ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
  }

  /** Field errors (`{"username": ["This field is required."]}`), without `detail`. */
  get fieldErrors(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    if (!this.body) return out;
    for (const [key, value] of Object.entries(this.body)) {
      if (key === "detail") continue;
      if (Array.isArray(value)) out[key] = value.map(String);
      else if (typeof value === "string") out[key] = [value];
    }
    return out;
  }
}

export class UnauthenticatedError extends ApiError {
  constructor(status: number, body: ApiErrorBody | null) {
    super(status, body, errorMessage(body) ?? "Authentication required.");
    this.name = "UnauthenticatedError";
  }
}

/** The server could not be reached at all (network down, server stopped, proxy error). */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super("Cannot reach the server.");
    this.name = "NetworkError";
    this.cause = cause;
  }
}

function errorMessage(body: ApiErrorBody | null): string | undefined {
  if (!body) return undefined;
  if (typeof body.detail === "string") return body.detail;
  const nfe = body.non_field_errors;
  if (Array.isArray(nfe) && nfe.length > 0) return nfe.join(" ");
  return undefined;
}

type Listener = (error: UnauthenticatedError) => void;
const unauthenticatedListeners = new Set<Listener>();

/** Register a callback run whenever an API call finds the session missing. Returns an unsubscribe. */
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

const NOT_AUTHENTICATED_DETAILS = [
  "authentication credentials were not provided",
  "not authenticated",
  "invalid session",
];

function isUnauthenticated(status: number, body: ApiErrorBody | null): boolean {
  if (status === 401) return true;
  if (status !== 403) return false;
  const detail = typeof body?.detail === "string" ? body.detail.toLowerCase() : "";
  return NOT_AUTHENTICATED_DETAILS.some((d) => detail.includes(d));
}

export function getCookie(name: string): string | null {
  if (typeof document === "undefined" || !document.cookie) return null;
  for (const part of document.cookie.split(";")) {
    const [rawKey, ...rest] = part.trim().split("=");
    if (rawKey === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

export function getCsrfToken(): string | null {
  return getCookie(CSRF_COOKIE);
}

/** Make sure the `csrftoken` cookie exists (the session endpoint sets it). */
export async function ensureCsrfToken(): Promise<string | null> {
  const existing = getCsrfToken();
  if (existing) return existing;
  try {
    await fetch(SESSION_URL, { credentials: "same-origin", headers: { Accept: "application/json" } });
  } catch {
    // The real request below will surface the network error.
  }
  return getCsrfToken();
}

export interface RequestOptions {
  method?: string;
  /** JSON-serialised into the request body. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** HTTP statuses (besides 2xx) whose JSON body is returned instead of thrown (e.g. 503 for /readyz). */
  acceptStatuses?: number[];
}

async function parseBody(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 205) return null;
  const text = await response.text();
  if (!text) return null;
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("json") || /^[[{]/.test(text.trim())) {
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  }
  return { detail: text.slice(0, 500) };
}

export async function apiRequest<T>(url: string, options: RequestOptions = {}): Promise<T> {
  const method = (options.method ?? "GET").toUpperCase();
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (!SAFE_METHODS.has(method)) {
    const token = await ensureCsrfToken();
    if (token) headers[CSRF_HEADER] = token;
  }

  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new NetworkError(err);
  }

  const data = await parseBody(response);
  if (response.ok || options.acceptStatuses?.includes(response.status)) {
    return data as T;
  }
  const body = data && typeof data === "object" ? (data as ApiErrorBody) : null;
  if (isUnauthenticated(response.status, body)) {
    const error = new UnauthenticatedError(response.status, body);
    for (const listener of [...unauthenticatedListeners]) listener(error);
    throw error;
  }
  throw new ApiError(response.status, body);
}

export const api = {
  get: <T>(url: string, options?: Omit<RequestOptions, "method" | "body">) =>
    apiRequest<T>(url, { ...options, method: "GET" }),
  post: <T>(url: string, body?: unknown, options?: Omit<RequestOptions, "method" | "body">) =>
    apiRequest<T>(url, { ...options, method: "POST", body }),
  put: <T>(url: string, body?: unknown, options?: Omit<RequestOptions, "method" | "body">) =>
    apiRequest<T>(url, { ...options, method: "PUT", body }),
  patch: <T>(url: string, body?: unknown, options?: Omit<RequestOptions, "method" | "body">) =>
    apiRequest<T>(url, { ...options, method: "PATCH", body }),
  delete: <T>(url: string, options?: Omit<RequestOptions, "method" | "body">) =>
    apiRequest<T>(url, { ...options, method: "DELETE" }),
};
