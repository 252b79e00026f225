import { useState, type FormEvent } from "react";
import { Navigate, useLocation } from "react-router-dom";
import { Alert, Box, Button, Card, CardContent, Stack, TextField, Typography } from "@mui/material";
import ShowChartIcon from "@mui/icons-material/ShowChart";
import { ApiError, NetworkError } from "../api/client";
import { useAuth } from "../auth/AuthContext";
import type { FromState } from "../auth/RequireAuth";

interface FieldErrors {
  username?: string;
  password?: string;
}

function redirectTarget(state: unknown): string {
  const from = (state as FromState | null)?.from;
  if (!from?.pathname || from.pathname === "/login" || !from.pathname.startsWith("/")) return "/";
  return `${from.pathname}${from.search ?? ""}${from.hash ?? ""}`;
}

export function LoginPage() {
  const auth = useAuth();
  const location = useLocation();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const target = redirectTarget(location.state);

  // Also the success path: once the new session reaches the auth context, go where the user
  // was headed (navigating imperatively could run before the guard sees the session).
  if (auth.user) {
    return <Navigate to={target} replace />;
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const errors: FieldErrors = {};
    if (!username.trim()) errors.username = "Username is required.";
    if (!password) errors.password = "Password is required.";
    setFieldErrors(errors);
    setError(null);
    if (errors.username || errors.password) return;

    setSubmitting(true);
    try {
      const session = await auth.login({ username: username.trim(), password });
      if (!session.authenticated) {
        setError("Invalid username or password.");
        setSubmitting(false);
      }
    } catch (err) {
      setSubmitting(false);
      setPassword("");
      if (err instanceof ApiError) {
        const fields = err.fieldErrors;
        const serverFields: FieldErrors = {};
        if (fields.username) serverFields.username = fields.username.join(" ");
        if (fields.password) serverFields.password = fields.password.join(" ");
        setFieldErrors(serverFields);
        const detail = err.body?.detail ?? fields.non_field_errors?.join(" ");
        if (detail) setError(detail);
        else if (!serverFields.username && !serverFields.password) setError(err.message);
      } else if (err instanceof NetworkError) {
        setError("Cannot reach the server. Check your connection and try again.");
      } else {
        setError("Sign-in failed. Please try again.");
      }
    }
  }

  return (
    <Box
      component="main"
      sx={{ minHeight: "100vh", display: "grid", placeItems: "center", p: 2, bgcolor: "background.default" }}
    >
      <Card sx={{ width: "100%", maxWidth: 400 }} variant="outlined">
        <CardContent sx={{ p: { xs: 3, sm: 4 } }}>
          <Stack component="form" noValidate onSubmit={handleSubmit} spacing={2.5} aria-label="Sign in form">
            <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
              <ShowChartIcon color="primary" />
              <Typography variant="h5" component="h1" sx={{ fontWeight: 700 }}>
                Trader
              </Typography>
            </Stack>
            <Typography variant="body2" color="text.secondary">
              Sign in with your account to continue.
            </Typography>
            {error && (
              <Alert severity="error" role="alert">
                {error}
              </Alert>
            )}
            <TextField
              id="login-username"
              label="Username"
              name="username"
              autoComplete="username"
              autoFocus
              fullWidth
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              error={Boolean(fieldErrors.username)}
              helperText={fieldErrors.username}
              disabled={submitting}
            />
            <TextField
              id="login-password"
              label="Password"
              name="password"
              type="password"
              autoComplete="current-password"
              fullWidth
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              error={Boolean(fieldErrors.password)}
              helperText={fieldErrors.password}
              disabled={submitting}
            />
            <Button type="submit" variant="contained" size="large" fullWidth loading={submitting}>
              Sign in
            </Button>
          </Stack>
        </CardContent>
      </Card>
    </Box>
  );
}
