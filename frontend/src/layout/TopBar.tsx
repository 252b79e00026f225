import { useState } from "react";
import { AppBar, Box, Button, IconButton, Stack, Toolbar, Tooltip, Typography } from "@mui/material";
import MenuIcon from "@mui/icons-material/Menu";
import LogoutIcon from "@mui/icons-material/Logout";
import PersonIcon from "@mui/icons-material/Person";
import ShowChartIcon from "@mui/icons-material/ShowChart";
import { useAuth } from "../auth/AuthContext";
import { ConnectionIndicator } from "../components/ConnectionIndicator";
import { HealthIndicator } from "../components/HealthIndicator";
import type { ConnectionStatus } from "../api/ws";

export interface TopBarProps {
  connectionStatus: ConnectionStatus;
  onMenuClick: () => void;
}

export function TopBar({ connectionStatus, onMenuClick }: TopBarProps) {
  const { user, logout } = useAuth();
  const [loggingOut, setLoggingOut] = useState(false);

  async function handleLogout() {
    setLoggingOut(true);
    try {
      await logout();
    } catch {
      // The session is dropped locally either way; the guard shows the login page.
    } finally {
      setLoggingOut(false);
    }
  }

  return (
    <AppBar position="fixed" sx={{ zIndex: (t) => t.zIndex.drawer + 1, borderBottom: 1, borderColor: "divider" }}>
      <Toolbar sx={{ gap: 1 }}>
        <IconButton
          edge="start"
          aria-label="Open navigation"
          onClick={onMenuClick}
          sx={{ display: { md: "none" } }}
        >
          <MenuIcon />
        </IconButton>
        <ShowChartIcon color="primary" sx={{ display: { xs: "none", sm: "inline-flex" } }} />
        <Typography variant="h6" component="div" sx={{ fontWeight: 700, mr: { xs: 0.5, sm: 2 } }}>
          Trader
        </Typography>
        <Stack direction="row" spacing={{ xs: 0.5, sm: 1 }} sx={{ alignItems: "center" }}>
          <HealthIndicator />
          <ConnectionIndicator status={connectionStatus} />
        </Stack>
        <Box sx={{ flexGrow: 1 }} />
        {user && (
          <Tooltip describeChild title={`Roles: ${user.roles.join(", ") || "none"}${user.is_superuser ? " (superuser)" : ""}`}>
            <Stack
              direction="row"
              spacing={0.5}
              sx={{ alignItems: "center", color: "text.secondary", display: { xs: "none", sm: "flex" } }}
            >
              <PersonIcon fontSize="small" />
              <Typography variant="body2" data-testid="current-username" sx={{ color: "text.primary" }}>
                {user.username}
              </Typography>
            </Stack>
          </Tooltip>
        )}
        <Button
          color="inherit"
          startIcon={<LogoutIcon />}
          onClick={() => void handleLogout()}
          disabled={loggingOut}
          data-testid="logout-button"
          aria-label="Log out"
          sx={{ minWidth: 0, "& .MuiButton-startIcon": { mr: { xs: 0, sm: 1 } } }}
        >
          <Box component="span" sx={{ display: { xs: "none", sm: "inline" } }}>
            Log out
          </Box>
        </Button>
      </Toolbar>
    </AppBar>
  );
}
