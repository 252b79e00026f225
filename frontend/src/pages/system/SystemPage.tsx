import {
  Alert,
  Chip,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Typography,
} from "@mui/material";
import { PageHeader } from "../../components/PageHeader";
import { useReadyz, READYZ_POLL_MS } from "../../hooks/useReadyz";

export function SystemPage() {
  const { data, isError, error, dataUpdatedAt, isPending } = useReadyz();
  const checks = data ? Object.entries(data.checks).sort(([a], [b]) => a.localeCompare(b)) : [];

  return (
    <>
      <PageHeader
        title="System"
        subtitle={`Readiness checks from /readyz, refreshed every ${READYZ_POLL_MS / 1000} s.`}
        actions={<HealthIndicatorCompact />}
      />
      {isError && (
        <Alert severity="warning" sx={{ mb: 2 }}>
          Cannot load /readyz{error instanceof Error ? `: ${error.message}` : ""}.
          {data ? " Showing the last known result." : ""}
        </Alert>
      )}
      <TableContainer component={Paper} variant="outlined">
        <Table size="small" aria-label="Readiness checks">
          <TableHead>
            <TableRow>
              <TableCell>Check</TableCell>
              <TableCell>OK</TableCell>
              <TableCell align="right">Latency (ms)</TableCell>
              <TableCell>Error</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {checks.map(([name, check]) => (
              <TableRow key={name} data-testid={`check-${name}`}>
                <TableCell component="th" scope="row" sx={{ fontFamily: "monospace" }}>
                  {name}
                </TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    variant="outlined"
                    color={check.ok ? "success" : "error"}
                    label={check.ok ? "yes" : "no"}
                  />
                </TableCell>
                <TableCell align="right">{check.latency_ms ?? "—"}</TableCell>
                <TableCell sx={{ color: check.error ? "error.main" : "text.secondary", wordBreak: "break-word" }}>
                  {check.error ?? "—"}
                </TableCell>
              </TableRow>
            ))}
            {checks.length === 0 && (
              <TableRow>
                <TableCell colSpan={4}>
                  <Typography color="text.secondary">{isPending ? "Loading…" : "No checks reported."}</Typography>
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
      </TableContainer>
      {dataUpdatedAt > 0 && (
        <Typography variant="caption" color="text.secondary" sx={{ display: "block", mt: 1 }}>
          Last updated {new Date(dataUpdatedAt).toLocaleTimeString()}
        </Typography>
      )}
    </>
  );
}

/** The page repeats the overall status without a second `data-testid="health-indicator"`. */
function HealthIndicatorCompact() {
  const { data, isError } = useReadyz();
  const label = isError || !data ? "Unknown" : data.status === "ok" ? "Ready" : "Not ready";
  const color = isError || !data ? "default" : data.status === "ok" ? "success" : "error";
  return (
    <Stack direction="row" sx={{ alignItems: "center" }}>
      <Chip label={label} color={color} data-testid="system-status" />
    </Stack>
  );
}

