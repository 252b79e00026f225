import type { DurationMs } from "../types/money";

export type Role = "viewer" | "trader" | "admin";

export interface User {
  id: number;
  username: string;
  roles: Role[];
  is_superuser: boolean;
}

/** `GET /api/auth/session/` and `POST /api/auth/login/` */
export type SessionResponse =
  | { authenticated: false; user: null }
  | { authenticated: true; user: User };

export interface LoginRequest {
  username: string;
  password: string;
}

/** DRF error shapes: `{"detail": "..."}` or field errors `{"field": ["msg", ...]}`. */
export interface ApiErrorBody {
  detail?: string;
  non_field_errors?: string[];
  [field: string]: string | string[] | undefined;
}

export type HealthStatus = "ok" | "fail";

export interface HealthCheck {
  ok: boolean;
  latency_ms: DurationMs | null;
  error: string | null;
}

/** `GET /readyz` (200 when ok, 503 when any check fails). Check names may grow over time. */
export interface ReadyzResponse {
  status: HealthStatus;
  checks: Record<string, HealthCheck>;
}

/** `GET /healthz` */
export interface HealthzResponse {
  status: "ok";
}
