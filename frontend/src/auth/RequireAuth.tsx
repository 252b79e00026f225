import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router-dom";
import { Alert, Box, Button, CircularProgress } from "@mui/material";
import { useAuth } from "./AuthContext";

export interface FromState {
  from?: { pathname: string; search?: string; hash?: string };
}

/** Route guard: renders children for an authenticated session, otherwise redirects to /login. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const location = useLocation();

  if (auth.state === "loading") {
    return (
      <Box sx={{ display: "grid", placeItems: "center", minHeight: "100vh" }}>
        <CircularProgress aria-label="Loading session" />
      </Box>
    );
  }
  if (auth.state === "error") {
    return (
      <Box sx={{ display: "grid", placeItems: "center", minHeight: "100vh", p: 2 }}>
        <Alert
          severity="error"
          action={
            <Button color="inherit" size="small" onClick={() => void auth.refresh()}>
              Retry
            </Button>
          }
        >
          Cannot reach the server to check your session.
        </Alert>
      </Box>
    );
  }
  if (!auth.user) {
    const state: FromState = {
      from: { pathname: location.pathname, search: location.search, hash: location.hash },
    };
    return <Navigate to="/login" replace state={state} />;
  }
  return <>{children}</>;
}
