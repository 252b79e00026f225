import { Chip, Paper, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from "@mui/material";
import type { StatusComponent, StreamsHealth } from "../../api/status";
import { ageLabel } from "../../realtime";

function seconds(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : ageLabel(value * 1000);
}

/** User data streams (per market) and the market-data process: connection, lag since last event, churn. */
export function StreamsPanel({ health, marketData }: { health: StreamsHealth | undefined; marketData: StatusComponent | undefined }) {
  const streams = health?.streams ?? [];
  const stale = Array.isArray(marketData?.detail.stale) ? (marketData?.detail.stale as unknown[]).map(String) : [];
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }} data-testid="stream-health">
      <Stack direction="row" spacing={1} sx={{ alignItems: "center", mb: 1 }}>
        <Typography variant="subtitle1" sx={{ fontWeight: 600 }}>
          Streams
        </Typography>
        {health && (
          <Chip
            size="small"
            color={health.ok ? "success" : health.running ? "error" : "warning"}
            label={health.running ? (health.ok ? "user streams ok" : "user streams failing") : "streams process not running"}
          />
        )}
      </Stack>
      <Table size="small" aria-label="User data streams">
        <TableHead>
          <TableRow>
            <TableCell>Stream</TableCell>
            <TableCell>State</TableCell>
            <TableCell align="right">Last event (lag)</TableCell>
            <TableCell align="right">Down for</TableCell>
            <TableCell align="right">Reconnects</TableCell>
            <TableCell align="right">Events</TableCell>
            <TableCell>Last error</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {streams.map((s) => (
            <TableRow key={s.name} data-testid={`stream-${s.name}`} data-ok={s.ok ? "true" : "false"}>
              <TableCell>
                {s.name} <Typography component="span" variant="caption" color="text.secondary">({s.market})</Typography>
              </TableCell>
              <TableCell>
                <Chip size="small" color={s.ok ? (s.connected ? "success" : "warning") : "error"} label={s.state} />
              </TableCell>
              <TableCell align="right">{seconds(s.last_event_age_s)}</TableCell>
              <TableCell align="right">{s.connected ? "—" : seconds(s.down_for_s)}</TableCell>
              <TableCell align="right">{s.reconnects}</TableCell>
              <TableCell align="right">{s.events}</TableCell>
              <TableCell sx={{ wordBreak: "break-word", maxWidth: 320, color: s.last_error ? "error.main" : "text.secondary" }}>
                {s.last_error || "—"}
              </TableCell>
            </TableRow>
          ))}
          {streams.length === 0 && (
            <TableRow>
              <TableCell colSpan={7}>
                <Typography variant="body2" color="text.secondary">
                  No user stream reported.
                </Typography>
              </TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
      {marketData && (
        <Typography variant="body2" sx={{ mt: 1 }} data-testid="market-data-health">
          Market data: {marketData.message}
          {stale.length > 0 ? ` · stale: ${stale.join(", ")}` : ""}
        </Typography>
      )}
    </Paper>
  );
}
