import { useState } from "react";
import {
  Button,
  Divider,
  ListItemIcon,
  ListItemText,
  Menu,
  MenuItem,
} from "@mui/material";
import PersonIcon from "@mui/icons-material/Person";
import DarkModeIcon from "@mui/icons-material/DarkMode";
import LightModeIcon from "@mui/icons-material/LightMode";
import LogoutIcon from "@mui/icons-material/Logout";
import KeyboardIcon from "@mui/icons-material/Keyboard";
import ArrowDropDownIcon from "@mui/icons-material/ArrowDropDown";
import type { User } from "../api/types";
import { useThemeMode } from "./themeMode";

export interface UserMenuProps {
  user: User;
  onLogout: () => void;
  onShowShortcuts: () => void;
  loggingOut: boolean;
}

/** Username button; the menu shows the roles and holds the theme switch, shortcuts and log out. */
export function UserMenu({ user, onLogout, onShowShortcuts, loggingOut }: UserMenuProps) {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const { mode, toggle } = useThemeMode();
  const roles = user.roles.length > 0 ? user.roles.join(", ") : "no role";
  const close = () => setAnchor(null);
  return (
    <>
      <Button
        color="inherit"
        onClick={(e) => setAnchor(e.currentTarget)}
        aria-haspopup="menu"
        aria-expanded={anchor ? "true" : undefined}
        aria-controls={anchor ? "user-menu" : undefined}
        aria-label={`Account menu for ${user.username}`}
        data-testid="user-menu-button"
        startIcon={<PersonIcon fontSize="small" />}
        endIcon={<ArrowDropDownIcon />}
        sx={{ textTransform: "none", fontWeight: 500 }}
      >
        <span data-testid="current-username">{user.username}</span>
      </Button>
      <Menu
        id="user-menu"
        anchorEl={anchor}
        open={anchor !== null}
        onClose={close}
        anchorOrigin={{ vertical: "bottom", horizontal: "right" }}
        transformOrigin={{ vertical: "top", horizontal: "right" }}
      >
        <MenuItem disabled sx={{ "&.Mui-disabled": { opacity: 1 } }}>
          <ListItemText
            primary={user.username}
            secondary={`Roles: ${roles}${user.is_superuser ? " (superuser)" : ""}`}
            slotProps={{ secondary: { "data-testid": "user-roles" } as object }}
          />
        </MenuItem>
        <Divider />
        <MenuItem
          onClick={() => toggle()}
          data-testid="theme-toggle"
          aria-label={mode === "dark" ? "Switch to light theme" : "Switch to dark theme"}
        >
          <ListItemIcon>{mode === "dark" ? <LightModeIcon fontSize="small" /> : <DarkModeIcon fontSize="small" />}</ListItemIcon>
          <ListItemText primary={mode === "dark" ? "Light theme" : "Dark theme"} />
        </MenuItem>
        <MenuItem
          onClick={() => {
            close();
            onShowShortcuts();
          }}
        >
          <ListItemIcon>
            <KeyboardIcon fontSize="small" />
          </ListItemIcon>
          <ListItemText primary="Keyboard shortcuts" secondary="?" />
        </MenuItem>
        <Divider />
        <MenuItem
          disabled={loggingOut}
          onClick={() => {
            close();
            onLogout();
          }}
        >
          <ListItemIcon>
            <LogoutIcon fontSize="small" />
          </ListItemIcon>
          <ListItemText primary="Log out" />
        </MenuItem>
      </Menu>
    </>
  );
}
