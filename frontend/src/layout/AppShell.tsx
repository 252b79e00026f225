import { useCallback, useState } from "react";
import { Outlet } from "react-router-dom";
import { AppBar, Box, Divider, Drawer, IconButton, Link, Tooltip } from "@mui/material";
import ChevronLeftIcon from "@mui/icons-material/ChevronLeft";
import ChevronRightIcon from "@mui/icons-material/ChevronRight";
import { RealtimeBanner } from "../realtime";
import { KeyboardHelpDialog } from "./KeyboardHelpDialog";
import { useGlobalShortcuts } from "./shortcuts";
import { SideNav } from "./SideNav";
import { TopBar } from "./TopBar";

export const DRAWER_WIDTH = 200;
export const COLLAPSED_WIDTH = 56;
const COLLAPSED_KEY = "trader.nav.collapsed";

function storedCollapsed(): boolean {
  try {
    return window.localStorage.getItem(COLLAPSED_KEY) === "1";
  } catch {
    return false;
  }
}

/**
 * Authenticated layout: the top bar (with the live-data banner under it) over a side navigation
 * and the page. The window never scrolls; the page area does, so the top bar and navigation
 * stay in view on a 1280×720 laptop. Below 900 px the navigation becomes a drawer.
 */
export function AppShell() {
  const [mobileOpen, setMobileOpen] = useState(false);
  const [collapsed, setCollapsed] = useState(storedCollapsed);
  const [helpOpen, setHelpOpen] = useState(false);

  const toggleCollapsed = useCallback(() => {
    setCollapsed((c) => {
      try {
        window.localStorage.setItem(COLLAPSED_KEY, c ? "0" : "1");
      } catch {
        // not persisted; the toggle still works
      }
      return !c;
    });
  }, []);
  const showHelp = useCallback(() => setHelpOpen(true), []);
  useGlobalShortcuts({ onHelp: showHelp, onToggleNav: toggleCollapsed });

  const width = collapsed ? COLLAPSED_WIDTH : DRAWER_WIDTH;

  return (
    <Box sx={{ display: "flex", flexDirection: "column", height: "100vh", bgcolor: "background.default" }}>
      <Link
        href="#main-content"
        sx={{
          position: "absolute",
          left: 8,
          top: -48,
          zIndex: (t) => t.zIndex.tooltip + 1,
          bgcolor: "background.paper",
          px: 2,
          py: 1,
          borderRadius: 1,
          "&:focus": { top: 8 },
        }}
      >
        Skip to content
      </Link>
      <AppBar position="static" sx={{ borderBottom: 1, borderColor: "divider", flexShrink: 0 }}>
        <TopBar onMenuClick={() => setMobileOpen((open) => !open)} onShowShortcuts={showHelp} />
        <RealtimeBanner />
      </AppBar>
      <Box sx={{ display: "flex", flex: 1, minHeight: 0 }}>
        <Box
          component="aside"
          sx={{
            display: { xs: "none", md: "flex" },
            flexDirection: "column",
            width,
            flexShrink: 0,
            borderRight: 1,
            borderColor: "divider",
            bgcolor: "background.paper",
            transition: (t) => t.transitions.create("width", { duration: t.transitions.duration.shorter }),
            overflowX: "hidden",
            overflowY: "auto",
          }}
        >
          <SideNav collapsed={collapsed} />
          <Box sx={{ flexGrow: 1 }} />
          <Divider />
          <Box sx={{ display: "flex", justifyContent: collapsed ? "center" : "flex-end", p: 0.5 }}>
            <Tooltip title={collapsed ? "Expand navigation ([)" : "Collapse navigation ([)"} placement="right">
              <IconButton
                size="small"
                onClick={toggleCollapsed}
                aria-label={collapsed ? "Expand navigation" : "Collapse navigation"}
                aria-expanded={!collapsed}
                data-testid="nav-collapse"
              >
                {collapsed ? <ChevronRightIcon /> : <ChevronLeftIcon />}
              </IconButton>
            </Tooltip>
          </Box>
        </Box>
        <Drawer
          variant="temporary"
          open={mobileOpen}
          onClose={() => setMobileOpen(false)}
          sx={{ display: { xs: "block", md: "none" }, "& .MuiDrawer-paper": { width: DRAWER_WIDTH } }}
        >
          <SideNav onNavigate={() => setMobileOpen(false)} />
        </Drawer>
        <Box
          component="main"
          id="main-content"
          tabIndex={-1}
          sx={{ flexGrow: 1, minWidth: 0, overflow: "auto", p: { xs: 1.5, md: 2 }, "&:focus": { outline: "none" } }}
        >
          <Outlet />
        </Box>
      </Box>
      <KeyboardHelpDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
    </Box>
  );
}
