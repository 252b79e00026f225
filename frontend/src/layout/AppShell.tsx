import { useState } from "react";
import { Outlet } from "react-router-dom";
import { Box, Drawer, Toolbar } from "@mui/material";
import { useConnectionStatus } from "../hooks/useConnectionStatus";
import { SideNav } from "./SideNav";
import { TopBar } from "./TopBar";

export const DRAWER_WIDTH = 220;

/** Authenticated layout: fixed top bar, side navigation (permanent on md+, a drawer below). */
export function AppShell() {
  const [mobileOpen, setMobileOpen] = useState(false);
  const connectionStatus = useConnectionStatus();

  return (
    <Box sx={{ display: "flex", minHeight: "100vh", bgcolor: "background.default" }}>
      <TopBar connectionStatus={connectionStatus} onMenuClick={() => setMobileOpen((open) => !open)} />
      <Box component="aside" sx={{ width: { md: DRAWER_WIDTH }, flexShrink: { md: 0 } }}>
        <Drawer
          variant="temporary"
          open={mobileOpen}
          onClose={() => setMobileOpen(false)}
          sx={{ display: { xs: "block", md: "none" }, "& .MuiDrawer-paper": { width: DRAWER_WIDTH } }}
        >
          <Toolbar />
          <SideNav onNavigate={() => setMobileOpen(false)} />
        </Drawer>
        <Drawer
          variant="permanent"
          open
          sx={{
            display: { xs: "none", md: "block" },
            "& .MuiDrawer-paper": { width: DRAWER_WIDTH, boxSizing: "border-box" },
          }}
        >
          <Toolbar />
          <SideNav />
        </Drawer>
      </Box>
      <Box component="main" sx={{ flexGrow: 1, minWidth: 0, p: { xs: 2, md: 3 } }}>
        <Toolbar />
        <Outlet />
      </Box>
    </Box>
  );
}
