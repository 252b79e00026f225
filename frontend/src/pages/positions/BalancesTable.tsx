import {
  Paper,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Typography,
} from "@mui/material";
import type { Balance } from "../../api/positions";
import { fmt } from "./format";
import { PnlText } from "./PnlText";

/**
 * Spot and futures wallets. Spot rows: free / locked / total; USD-M rows: wallet, available
 * (shown under "free") and unrealized P&L. USD value when the equity snapshot priced the asset.
 */
export function BalancesTable({ balances, loading }: { balances: Balance[]; loading: boolean }) {
  const rows = [...balances].sort((a, b) => a.market.localeCompare(b.market) || a.asset.localeCompare(b.asset));
  return (
    <TableContainer component={Paper} variant="outlined">
      <Table size="small" aria-label="Balances" data-testid="balances-table">
        <TableHead>
          <TableRow>
            <TableCell>Wallet</TableCell>
            <TableCell>Asset</TableCell>
            <TableCell align="right">Free / available</TableCell>
            <TableCell align="right">Locked</TableCell>
            <TableCell align="right">Total / wallet</TableCell>
            <TableCell align="right">Unrealized</TableCell>
            <TableCell align="right">USD value</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((b) => {
            const futures = b.market === "USDM";
            return (
              <TableRow key={`${b.market}-${b.asset}`} data-testid={`balance-row-${b.market}-${b.asset}`} hover>
                <TableCell>{futures ? "Futures" : "Spot"}</TableCell>
                <TableCell sx={{ fontWeight: 600 }}>{b.asset}</TableCell>
                <TableCell align="right">{fmt(futures ? b.available_balance : b.free)}</TableCell>
                <TableCell align="right">{futures ? "—" : fmt(b.locked)}</TableCell>
                <TableCell align="right">{fmt(futures ? (b.wallet_balance ?? b.total) : b.total)}</TableCell>
                <TableCell align="right">{futures ? <PnlText value={b.unrealized_pnl} /> : "—"}</TableCell>
                <TableCell align="right">{fmt(b.usdt_value, 2)}</TableCell>
              </TableRow>
            );
          })}
          {rows.length === 0 && (
            <TableRow>
              <TableCell colSpan={7}>
                <Typography color="text.secondary">{loading ? "Loading…" : "No balances."}</Typography>
              </TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
