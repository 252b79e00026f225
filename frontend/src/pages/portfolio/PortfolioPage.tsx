import { useState, type ReactNode } from "react";
import {
  Alert,
  Box,
  LinearProgress,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  ToggleButton,
  ToggleButtonGroup,
  Tooltip,
  Typography,
} from "@mui/material";
import { useQueryClient } from "@tanstack/react-query";
import { PageHeader } from "../../components/PageHeader";
import {
  allocationByAsset,
  portfolioTotals,
  useEquity,
  usePortfolio,
  useRecentIncome,
  type EquityRange,
  type PeriodPnl,
  type PnlPeriod,
} from "../../api/portfolio";
import { usePositions } from "../../api/positions";
import { toNumber } from "../../lib/decimal";
import { StaleBadge, useAccountEvents, useNow } from "../../realtime";
import { fmt } from "../positions/format";
import { PnlText } from "../positions/PnlText";
import { EquityChart } from "./EquityChart";

const RANGES: EquityRange[] = ["1D", "7D", "30D", "All"];
const PERIODS: { key: PnlPeriod; label: string; testId: string }[] = [
  { key: "today", label: "P&L today", testId: "pnl-today" },
  { key: "7d", label: "P&L 7 days", testId: "pnl-7d" },
  { key: "all", label: "P&L all", testId: "pnl-all" },
];

function Figure({ label, children, hint }: { label: string; children: ReactNode; hint?: string }) {
  return (
    <Paper variant="outlined" sx={{ p: 1.5, minWidth: 160, flex: "1 1 160px" }}>
      <Tooltip describeChild title={hint ?? ""} disableHoverListener={!hint}>
        <Typography variant="caption" color="text.secondary" component="div">
          {label}
        </Typography>
      </Tooltip>
      <Typography variant="h6" component="div" sx={{ fontVariantNumeric: "tabular-nums", fontWeight: 600 }}>
        {children}
      </Typography>
    </Paper>
  );
}

function pnlHint(p: PeriodPnl): string {
  return `Realized ${fmt(p.realized, 2)} (spot ${fmt(p.spot_realized, 2)}, futures ${fmt(p.futures_realized, 2)}) − commission ${fmt(p.commission, 2)} + funding ${fmt(p.funding, 2)}`;
}

export function PortfolioPage() {
  const queryClient = useQueryClient();
  const [range, setRange] = useState<EquityRange>("1D");
  const portfolio = usePortfolio();
  const positions = usePositions();
  const equity = useEquity(range);
  const income = useRecentIncome();
  const now = useNow(5_000);

  useAccountEvents(["balance", "position", "fill"], () => {
    void queryClient.invalidateQueries({ queryKey: ["portfolio"] });
  });

  const data = portfolio.data;
  const totals = data ? portfolioTotals(data, positions.data ?? []) : null;
  const allocation = data ? allocationByAsset(data.balances) : [];
  const age = portfolio.dataUpdatedAt ? now - portfolio.dataUpdatedAt : null;

  return (
    <>
      <PageHeader
        title="Portfolio"
        subtitle={data ? `As of ${new Date(data.as_of).toLocaleString()} · values in USDT` : "Values in USDT"}
        actions={<StaleBadge ageMs={age} staleAfterMs={90_000} />}
      />
      <Stack spacing={3}>
        {portfolio.isError && <Alert severity="warning">Cannot load the portfolio.</Alert>}
        {data && !data.balances_synced && (
          <Alert severity="info">Balances have not been synced with the exchange yet; totals may be incomplete.</Alert>
        )}
        {data && data.unpriced.length > 0 && (
          <Alert severity="info">No USDT price for {data.unpriced.join(", ")}: left out of the totals.</Alert>
        )}
        <Stack direction="row" sx={{ flexWrap: "wrap", gap: 1.5 }}>
          <Figure label="Equity">{totals ? fmt(totals.equity, 2) : "—"}</Figure>
          <Figure label="Available" hint="Spot free balances and the futures available balance, at USDT prices">
            {totals ? fmt(totals.available, 2) : "—"}
          </Figure>
          <Figure label="Unrealized P&L">
            <PnlText value={totals?.unrealized} testId="unrealized-total" />
          </Figure>
          <Figure label="Margin used" hint="Initial margin of the open USD-M positions">
            {totals ? fmt(totals.marginUsed, 2) : "—"}
          </Figure>
          {PERIODS.map((period) => (
            <Figure key={period.key} label={period.label} hint={data ? pnlHint(data.pnl[period.key]) : undefined}>
              <PnlText value={data?.pnl[period.key].net} testId={period.testId} />
            </Figure>
          ))}
        </Stack>

        <Paper variant="outlined" sx={{ p: 1.5 }}>
          <Stack direction="row" sx={{ alignItems: "center", justifyContent: "space-between", mb: 1 }}>
            <Typography variant="h6" component="h2">
              Equity
            </Typography>
            <ToggleButtonGroup
              exclusive
              size="small"
              value={range}
              onChange={(_, v: EquityRange | null) => v && setRange(v)}
              aria-label="Equity range"
            >
              {RANGES.map((r) => (
                <ToggleButton key={r} value={r} data-testid={`equity-range-${r}`}>
                  {r}
                </ToggleButton>
              ))}
            </ToggleButtonGroup>
          </Stack>
          {equity.isError && <Alert severity="warning">Cannot load the equity series.</Alert>}
          <EquityChart points={equity.data?.points ?? []} />
        </Paper>

        <Stack direction={{ xs: "column", lg: "row" }} spacing={3}>
          <Paper variant="outlined" sx={{ p: 1.5, flex: 1 }} data-testid="allocation">
            <Typography variant="h6" component="h2" sx={{ mb: 1 }}>
              Allocation by asset
            </Typography>
            {allocation.length === 0 && <Typography color="text.secondary">No priced balances.</Typography>}
            <Stack spacing={1}>
              {allocation.map((row) => (
                <Box key={row.asset} data-testid={`allocation-${row.asset}`}>
                  <Stack direction="row" sx={{ justifyContent: "space-between" }}>
                    <Typography variant="body2" sx={{ fontWeight: 600 }}>
                      {row.asset}
                    </Typography>
                    <Typography variant="body2" sx={{ fontVariantNumeric: "tabular-nums" }}>
                      {fmt(row.value, 2)} · {row.pct} %
                    </Typography>
                  </Stack>
                  <LinearProgress
                    variant="determinate"
                    value={Math.min(100, toNumber(row.pct))}
                    aria-label={`${row.asset} share`}
                  />
                </Box>
              ))}
            </Stack>
          </Paper>
          <Paper variant="outlined" sx={{ p: 1.5, flex: 1 }}>
            <Typography variant="h6" component="h2" sx={{ mb: 1 }}>
              Recent futures income
            </Typography>
            <Table size="small" aria-label="Recent futures income">
              <TableHead>
                <TableRow>
                  <TableCell>Time</TableCell>
                  <TableCell>Type</TableCell>
                  <TableCell>Symbol</TableCell>
                  <TableCell align="right">Amount</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {(income.data?.results ?? []).map((r) => (
                  <TableRow key={r.id}>
                    <TableCell>{new Date(r.time).toLocaleString()}</TableCell>
                    <TableCell>{r.type}</TableCell>
                    <TableCell>{r.symbol || "—"}</TableCell>
                    <TableCell align="right">
                      <PnlText value={r.amount} decimals={4} /> {r.asset}
                    </TableCell>
                  </TableRow>
                ))}
                {(income.data?.results ?? []).length === 0 && (
                  <TableRow>
                    <TableCell colSpan={4}>
                      <Typography color="text.secondary">{income.isPending ? "Loading…" : "No income recorded."}</Typography>
                    </TableCell>
                  </TableRow>
                )}
              </TableBody>
            </Table>
          </Paper>
        </Stack>
      </Stack>
    </>
  );
}
