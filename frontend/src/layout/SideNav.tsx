import { NavLink, useLocation } from "react-router-dom";
import { List, ListItemButton, ListItemIcon, ListItemText, Tooltip } from "@mui/material";
import { NAV_ITEMS } from "./navItems";

/**
 * The seven sections. Collapsed, only icons show (each keeps its label as accessible name and
 * tooltip); Alt+1…7 reach them from anywhere.
 */
export function SideNav({ onNavigate, collapsed = false }: { onNavigate?: () => void; collapsed?: boolean }) {
  const { pathname } = useLocation();
  return (
    <List component="nav" aria-label="Main navigation" dense sx={{ px: 0.75, py: 1 }}>
      {NAV_ITEMS.map((item, i) => {
        const selected = pathname === item.path || pathname.startsWith(`${item.path}/`);
        const button = (
          <ListItemButton
            key={item.path}
            component={NavLink}
            to={item.path}
            selected={selected}
            onClick={onNavigate}
            aria-label={collapsed ? item.label : undefined}
            aria-keyshortcuts={`Alt+${i + 1}`}
            data-testid={`nav-${item.label.toLowerCase()}`}
            sx={{ borderRadius: 1, mb: 0.25, minHeight: 40, px: collapsed ? 1.25 : 1.5, justifyContent: "center" }}
          >
            <ListItemIcon sx={{ minWidth: collapsed ? 0 : 36, justifyContent: "center" }}>{item.icon}</ListItemIcon>
            <ListItemText
              primary={item.label}
              sx={
                collapsed
                  ? // Kept in the DOM (screen readers, find-in-page), just not painted.
                    { position: "absolute", width: 1, height: 1, overflow: "hidden", clip: "rect(0 0 0 0)", m: 0 }
                  : undefined
              }
            />
          </ListItemButton>
        );
        return collapsed ? (
          <Tooltip key={item.path} title={`${item.label} (Alt+${i + 1})`} placement="right">
            {button}
          </Tooltip>
        ) : (
          button
        );
      })}
    </List>
  );
}
