import { Alert, Box, Link, Paper, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from "@mui/material";
import { useRiskLimits, type RiskLimits } from "../../api/risk";
import { fmt } from "../positions/format";

export const RISK_LIMITS_ADMIN_URL = "/admin/config/risklimits/";

const FIELDS: { key: keyof RiskLimits; label: string; unit?: string }[] = [
  { key: "max_order_notional", label: "Max order notional", unit: "USDT" },
  { key: "max_position_notional", label: "Max position notional", unit: "USDT" },
  { key: "max_gross_exposure", label: "Max gross exposure", unit: "USDT" },
  { key: "max_leverage", label: "Max leverage", unit: "x" },
  { key: "max_open_orders_per_symbol", label: "Max open orders per symbol" },
  { key: "max_open_orders_total", label: "Max open orders" },
  { key: "price_band_pct", label: "Price band", unit: "%" },
  { key: "max_orders_per_minute", label: "Max orders per minute" },
  { key: "daily_loss_limit", label: "Daily loss limit", unit: "USDT" },
  { key: "max_drawdown_pct", label: "Max drawdown", unit: "%" },
  { key: "max_correlated_exposure", label: "Max correlated exposure", unit: "USDT" },
  { key: "correlation_threshold", label: "Correlation threshold" },
  { key: "correlation_interval", label: "Correlation interval" },
  { key: "correlation_window", label: "Correlation window" },
];

/** Admin only: the active risk limits version, read-only, with the way to change it (the admin site). */
export function RiskLimitsView() {
  const limits = useRiskLimits();
  const data = limits.data;
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }} data-testid="risk-limits">
      <Stack direction="row" sx={{ justifyContent: "space-between", alignItems: "center", mb: 1 }}>
        <Typography variant="h6" component="h2">
          Active risk limits{data ? ` · version ${data.version}` : ""}
        </Typography>
        <Link href={RISK_LIMITS_ADMIN_URL} target="_blank" rel="noopener">
          Change in admin
        </Link>
      </Stack>
      {limits.isError && <Alert severity="warning">Cannot load the risk limits.</Alert>}
      {data && (
        <>
          <Typography variant="caption" color="text.secondary" component="div" sx={{ mb: 1 }}>
            Created {new Date(data.created_at).toLocaleString()}
            {data.created_by ? ` by ${data.created_by}` : ""}
            {data.comment ? ` · ${data.comment}` : ""}
          </Typography>
          <Box sx={{ display: "grid", gridTemplateColumns: { xs: "1fr", sm: "1fr 1fr" }, columnGap: 3 }}>
            {FIELDS.map((f) => (
              <Stack key={f.key} direction="row" sx={{ justifyContent: "space-between", py: 0.25 }}>
                <Typography variant="body2" color="text.secondary">
                  {f.label}
                </Typography>
                <Typography variant="body2" sx={{ fontVariantNumeric: "tabular-nums" }}>
                  {fmt(String(data[f.key]))}
                  {f.unit ? ` ${f.unit}` : ""}
                </Typography>
              </Stack>
            ))}
          </Box>
          {data.overrides.length > 0 && (
            <Table size="small" aria-label="Symbol overrides" sx={{ mt: 1 }}>
              <TableHead>
                <TableRow>
                  <TableCell>Symbol</TableCell>
                  <TableCell align="right">Order notional</TableCell>
                  <TableCell align="right">Position notional</TableCell>
                  <TableCell align="right">Leverage</TableCell>
                  <TableCell align="right">Open orders</TableCell>
                  <TableCell align="right">Price band %</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {data.overrides.map((o) => (
                  <TableRow key={`${o.market}:${o.symbol}`}>
                    <TableCell>
                      {o.market}:{o.symbol}
                    </TableCell>
                    <TableCell align="right">{fmt(o.max_order_notional)}</TableCell>
                    <TableCell align="right">{fmt(o.max_position_notional)}</TableCell>
                    <TableCell align="right">{o.max_leverage ?? "—"}</TableCell>
                    <TableCell align="right">{o.max_open_orders ?? "—"}</TableCell>
                    <TableCell align="right">{fmt(o.price_band_pct)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </>
      )}
    </Paper>
  );
}
