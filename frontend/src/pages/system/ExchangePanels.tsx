import {
  Box,
  Chip,
  LinearProgress,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from "@mui/material";
import { poolPercent, type Breaker, type ExchangeErrorRow, type RateBudgetPool } from "../../api/status";
import { ageLabel } from "../../realtime";

function gaugeColor(pct: number): "primary" | "warning" | "error" {
  return pct > 90 ? "error" : pct >= 70 ? "warning" : "primary";
}

/** Exchange request-weight and order-count pools: used of limit, as a gauge. */
export function RateBudget({ pools }: { pools: RateBudgetPool[] }) {
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }} data-testid="rate-budget">
      <Typography variant="subtitle1" sx={{ fontWeight: 600, mb: 1 }}>
        Rate budget
      </Typography>
      <Stack spacing={1}>
        {pools.map((p) => {
          const pct = poolPercent(p);
          const label = `${p.market} ${p.scope} ${p.pool}`;
          return (
            <Box key={label} data-testid={`pool-${p.market}-${p.scope}-${p.pool}`}>
              <Stack direction="row" sx={{ justifyContent: "space-between" }}>
                <Typography variant="caption" sx={{ fontFamily: "monospace" }}>
                  {label}
                </Typography>
                <Typography variant="caption" sx={{ fontVariantNumeric: "tabular-nums" }}>
                  {p.used} / {p.limit} ({p.used_pct ?? pct} %)
                </Typography>
              </Stack>
              <LinearProgress variant="determinate" value={pct} color={gaugeColor(pct)} aria-label={`${label} used`} sx={{ height: 6, borderRadius: 1 }} />
            </Box>
          );
        })}
        {pools.length === 0 && <Typography variant="body2" color="text.secondary">No pools reported.</Typography>}
      </Stack>
    </Paper>
  );
}

export function BreakersPanel({ breakers, offsets }: { breakers: Breaker[]; offsets: Record<string, number> }) {
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }} data-testid="breakers">
      <Typography variant="subtitle1" sx={{ fontWeight: 600, mb: 1 }}>
        Circuit breakers
      </Typography>
      <Stack direction="row" sx={{ flexWrap: "wrap", gap: 1 }}>
        {breakers.map((b) => (
          <Chip
            key={`${b.market}-${b.group}`}
            size="small"
            data-testid={`breaker-${b.market}-${b.group}`}
            data-state={b.state}
            color={b.state === "open" ? "error" : b.state === "half_open" ? "warning" : "success"}
            variant={b.state === "closed" ? "outlined" : "filled"}
            label={`${b.market} ${b.group}: ${b.state}${b.failures ? ` (${b.failures} failures)` : ""}`}
          />
        ))}
        {breakers.length === 0 && <Typography variant="body2" color="text.secondary">No breakers reported.</Typography>}
      </Stack>
      <Typography variant="subtitle1" sx={{ fontWeight: 600, mt: 2, mb: 0.5 }}>
        Clock offset
      </Typography>
      <Stack direction="row" spacing={2} data-testid="clock-offset">
        {Object.entries(offsets).map(([market, ms]) => (
          <Typography key={market} variant="body2" sx={{ fontVariantNumeric: "tabular-nums" }}>
            {market === "all" ? "" : `${market}: `}
            {ms} ms
          </Typography>
        ))}
        {Object.keys(offsets).length === 0 && <Typography variant="body2" color="text.secondary">Not measured.</Typography>}
      </Stack>
    </Paper>
  );
}

export function ExchangeErrorsTable({ rows, now }: { rows: ExchangeErrorRow[]; now: number }) {
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }}>
      <Typography variant="subtitle1" sx={{ fontWeight: 600, mb: 1 }}>
        Recent exchange errors
      </Typography>
      <Table size="small" aria-label="Recent exchange errors" data-testid="exchange-errors">
        <TableHead>
          <TableRow>
            <TableCell>When</TableCell>
            <TableCell>Market</TableCell>
            <TableCell>Endpoint</TableCell>
            <TableCell align="right">HTTP</TableCell>
            <TableCell align="right">Code</TableCell>
            <TableCell>Outcome</TableCell>
            <TableCell>Message</TableCell>
            <TableCell align="right">Latency</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((r, i) => (
            <TableRow key={`${r.created_at}-${i}`}>
              <TableCell title={new Date(r.created_at).toLocaleString()}>{ageLabel(now - Date.parse(r.created_at))} ago</TableCell>
              <TableCell>{r.market}</TableCell>
              <TableCell sx={{ fontFamily: "monospace", fontSize: 12 }}>{r.endpoint}</TableCell>
              <TableCell align="right">{r.http_status ?? "—"}</TableCell>
              <TableCell align="right">{r.binance_code ?? "—"}</TableCell>
              <TableCell>{r.outcome}</TableCell>
              <TableCell sx={{ wordBreak: "break-word", maxWidth: 380 }}>{r.message}</TableCell>
              <TableCell align="right">{r.latency_ms ?? "—"} ms</TableCell>
            </TableRow>
          ))}
          {rows.length === 0 && (
            <TableRow>
              <TableCell colSpan={8}>
                <Typography variant="body2" color="text.secondary">
                  No failed exchange calls recorded.
                </Typography>
              </TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
    </Paper>
  );
}
