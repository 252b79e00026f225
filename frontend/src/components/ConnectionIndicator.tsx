import { Chip, Tooltip } from "@mui/material";
import WifiIcon from "@mui/icons-material/Wifi";
import WifiOffIcon from "@mui/icons-material/WifiOff";
import SyncIcon from "@mui/icons-material/Sync";
import type { ConnectionStatus } from "../api/ws";

const VIEW: Record<ConnectionStatus, { label: string; tip: string; color: "success" | "warning" | "default" }> = {
  online: { label: "Online", tip: "Real-time connection is up", color: "success" },
  connecting: { label: "Connecting", tip: "Opening the real-time connection…", color: "default" },
  offline: {
    label: "Offline",
    tip: "No real-time connection; retrying in the background. Pages still work, live updates are paused.",
    color: "warning",
  },
};

export function ConnectionIndicator({ status }: { status: ConnectionStatus }) {
  const view = VIEW[status];
  const icon = status === "online" ? <WifiIcon /> : status === "offline" ? <WifiOffIcon /> : <SyncIcon />;
  return (
    <Tooltip describeChild title={view.tip}>
      <Chip
        data-testid="connection-indicator"
        data-status={status}
        size="small"
        variant="outlined"
        color={view.color}
        icon={icon}
        label={view.label}
      />
    </Tooltip>
  );
}
