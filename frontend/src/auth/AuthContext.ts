import { createContext, useContext } from "react";
import type { LoginRequest, Role, SessionResponse, User } from "../api/types";

export interface AuthContextValue {
  /** "loading" until the first `/api/auth/session/` answer; "error" when it could not be fetched. */
  state: "loading" | "error" | "ready";
  session: SessionResponse | undefined;
  user: User | null;
  error: unknown;
  login: (credentials: LoginRequest) => Promise<SessionResponse>;
  logout: () => Promise<void>;
  refresh: () => Promise<unknown>;
}

export const SESSION_QUERY_KEY = ["auth", "session"] as const;

export const AuthContext = createContext<AuthContextValue | null>(null);

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth must be used inside <AuthProvider>");
  return value;
}

/** Admin implies trader implies viewer; superusers have every role. */
const RANK: Record<Role, number> = { viewer: 1, trader: 2, admin: 3 };

export function hasRole(user: User | null | undefined, role: Role): boolean {
  if (!user) return false;
  if (user.is_superuser) return true;
  return user.roles.some((r) => RANK[r] >= RANK[role]);
}
