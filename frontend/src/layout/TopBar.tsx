import { useState } from "react";
import { Box, IconButton, Stack, Toolbar, Tooltip, Typography } from "@mui/material";
import MenuIcon from "@mui/icons-material/Menu";
import LogoutIcon from "@mui/icons-material/Logout";
import HelpOutlineIcon from "@mui/icons-material/HelpOutlineOutlined";
import ShowChartIcon from "@mui/icons-material/ShowChart";
import { useAuth } from "../auth/AuthContext";
import { AlertBell } from "../components/AlertBell";
import { ConnectionIndicator } from "../components/ConnectionIndicator";
import { HealthIndicator } from "../components/HealthIndicator";
import { EnvironmentBadge } from "./EnvironmentBadge";
import { TradingStateChip } from "./TradingStateChip";
import { UserMenu } from "./UserMenu";

export interface TopBarProps {
  onMenuClick: () => void;
  onShowShortcuts: () => void;
}

/**
 * Environment, trading state, live connections and health on the left, so the first glance says
 * whether it is safe to trade; alerts and the user on the right. Fits a 1280 px laptop in one row.
 */
export function TopBar({ onMenuClick, onShowShortcuts }: TopBarProps) {
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
    <Toolbar variant="dense" sx={{ gap: 1, px: { xs: 1, sm: 2 } }}>
      <IconButton edge="start" aria-label="Open navigation" onClick={onMenuClick} sx={{ display: { md: "none" } }}>
        <MenuIcon />
      </IconButton>
      <ShowChartIcon color="primary" sx={{ display: { xs: "none", sm: "inline-flex" } }} />
      <Typography variant="h6" component="div" sx={{ fontWeight: 700, mr: { xs: 0.5, sm: 1.5 } }}>
        Trader
      </Typography>
      <Stack direction="row" spacing={1} sx={{ alignItems: "center", minWidth: 0, overflow: "hidden" }}>
        <EnvironmentBadge />
        <TradingStateChip />
        <ConnectionIndicator />
        <HealthIndicator />
      </Stack>
      <Box sx={{ flexGrow: 1 }} />
      <Stack direction="row" spacing={0.5} sx={{ alignItems: "center" }}>
        <AlertBell />
        <Tooltip title="Keyboard shortcuts (?)">
          <IconButton aria-label="Keyboard shortcuts" onClick={onShowShortcuts} size="small">
            <HelpOutlineIcon fontSize="small" />
          </IconButton>
        </Tooltip>
        {user && (
          <UserMenu
            user={user}
            loggingOut={loggingOut}
            onLogout={() => void handleLogout()}
            onShowShortcuts={onShowShortcuts}
          />
        )}
        <Tooltip title="Log out">
          <span>
            <IconButton
              aria-label="Log out"
              data-testid="logout-button"
              onClick={() => void handleLogout()}
              disabled={loggingOut}
              size="small"
            >
              <LogoutIcon fontSize="small" />
            </IconButton>
          </span>
        </Tooltip>
      </Stack>
    </Toolbar>
  );
}
