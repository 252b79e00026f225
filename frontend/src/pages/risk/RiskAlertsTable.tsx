import { Chip, Table, TableBody, TableCell, TableHead, TableRow, Typography } from "@mui/material";
import type { RiskAlert } from "../../api/risk";
import { ageLabel } from "../../realtime";

/** Open alerts of the automatic risk triggers (daily loss, drawdown, stream down, ...). */
export function RiskAlertsTable({ alerts, now, loading }: { alerts: RiskAlert[]; now: number; loading: boolean }) {
  return (
    <Table size="small" aria-label="Open risk alerts" data-testid="risk-alerts">
      <TableHead>
        <TableRow>
          <TableCell>Trigger</TableCell>
          <TableCell>Scope</TableCell>
          <TableCell>Severity</TableCell>
          <TableCell>Action</TableCell>
          <TableCell>Message</TableCell>
          <TableCell>Opened</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {alerts.map((a) => (
          <TableRow key={a.id} data-testid={`risk-alert-${a.id}`}>
            <TableCell sx={{ fontFamily: "monospace" }}>{a.trigger}</TableCell>
            <TableCell>{a.scope}</TableCell>
            <TableCell>
              <Chip
                size="small"
                label={a.severity}
                color={a.severity === "critical" ? "error" : a.severity === "warning" ? "warning" : "default"}
              />
            </TableCell>
            <TableCell>{a.action}</TableCell>
            <TableCell sx={{ wordBreak: "break-word" }}>{a.message}</TableCell>
            <TableCell title={new Date(a.opened_at).toLocaleString()}>{ageLabel(now - Date.parse(a.opened_at))} ago</TableCell>
          </TableRow>
        ))}
        {alerts.length === 0 && (
          <TableRow>
            <TableCell colSpan={6}>
              <Typography variant="body2" color="text.secondary">
                {loading ? "Loading…" : "No open risk alerts."}
              </Typography>
            </TableCell>
          </TableRow>
        )}
      </TableBody>
    </Table>
  );
}
