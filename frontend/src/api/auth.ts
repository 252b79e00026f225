import { api, SESSION_URL } from "./client";
import type { LoginRequest, SessionResponse } from "./types";

export const LOGGED_OUT: SessionResponse = { authenticated: false, user: null };

export function fetchSession(signal?: AbortSignal): Promise<SessionResponse> {
  return api.get<SessionResponse>(SESSION_URL, { signal });
}

export function login(credentials: LoginRequest): Promise<SessionResponse> {
  return api.post<SessionResponse>("/api/auth/login/", credentials);
}

export async function logout(): Promise<void> {
  await api.post<null>("/api/auth/logout/");
}
