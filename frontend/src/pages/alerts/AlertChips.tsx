import { Chip } from "@mui/material";
import type { AlertSeverity, AlertState } from "../../api/alerts";

const SEVERITY_COLOR: Record<AlertSeverity, "error" | "warning" | "info"> = {
  critical: "error",
  warning: "warning",
  info: "info",
};

export function SeverityChip({ severity }: { severity: AlertSeverity }) {
  return <Chip size="small" label={severity} color={SEVERITY_COLOR[severity] ?? "default"} data-severity={severity} />;
}

export function StateChip({ state }: { state: AlertState }) {
  const color = state === "open" ? "error" : state === "acknowledged" ? "warning" : "success";
  return <Chip size="small" variant="outlined" label={state} color={color} />;
}
