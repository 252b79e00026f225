import { useCallback, useEffect, useMemo, type ReactNode } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchSession, LOGGED_OUT, login as apiLogin, logout as apiLogout } from "../api/auth";
import { onUnauthenticated } from "../api/client";
import type { LoginRequest, SessionResponse } from "../api/types";
import { AuthContext, SESSION_QUERY_KEY, type AuthContextValue } from "./AuthContext";

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: SESSION_QUERY_KEY,
    queryFn: ({ signal }) => fetchSession(signal),
    staleTime: 60_000,
    refetchOnWindowFocus: true,
    retry: 1,
  });

  const setSession = useCallback(
    (session: SessionResponse) => queryClient.setQueryData(SESSION_QUERY_KEY, session),
    [queryClient],
  );

  // Any API call answered "not authenticated" (expired session, logout in another tab)
  // drops the session here; the route guard then shows the login page.
  useEffect(
    () =>
      onUnauthenticated(() => {
        const current = queryClient.getQueryData<SessionResponse>(SESSION_QUERY_KEY);
        if (current?.authenticated !== false) setSession(LOGGED_OUT);
      }),
    [queryClient, setSession],
  );

  const login = useCallback(
    async (credentials: LoginRequest) => {
      const session = await apiLogin(credentials);
      // Drop anything cached for a previous user before the new session becomes visible.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_QUERY_KEY[0] });
      setSession(session);
      return session;
    },
    [queryClient, setSession],
  );

  const logout = useCallback(async () => {
    try {
      await apiLogout();
    } finally {
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_QUERY_KEY[0] });
      setSession(LOGGED_OUT);
    }
  }, [queryClient, setSession]);

  const value = useMemo<AuthContextValue>(() => {
    const session = query.data;
    const state: AuthContextValue["state"] = session ? "ready" : query.isError ? "error" : "loading";
    return {
      state,
      session,
      user: session?.authenticated ? session.user : null,
      error: query.error,
      login,
      logout,
      refresh: () => query.refetch(),
    };
  }, [query, login, logout]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
