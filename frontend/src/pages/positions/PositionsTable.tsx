import { useState } from "react";
import {
  Box,
  Button,
  Chip,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Tooltip,
  Typography,
} from "@mui/material";
import { liveFigures, positionKey, type Position } from "../../api/positions";
import { TradeGuard } from "../../auth/permissions";
import { ageLabel, type ConnectionStatus } from "../../realtime";
import { isNegative } from "../../lib/decimal";
import { fmt } from "./format";
import { PnlText } from "./PnlText";
import { ReducePositionDialog, type ReduceMode } from "./ReducePositionDialog";
import type { LiveMark } from "./useLiveMarks";

/** A mark older than this is greyed: the stream pushes every second when alive. */
export const MARK_STALE_MS = 10_000;

export interface PositionsTableProps {
  positions: Position[];
  marks: Record<string, LiveMark>;
  streamStatus: ConnectionStatus;
  now: number;
  loading: boolean;
}

function sideLabel(p: Position): { label: string; color: "success" | "error" } {
  const short = p.position_side === "SHORT" || (p.position_side === "BOTH" && isNegative(p.quantity));
  return short ? { label: "Short", color: "error" } : { label: "Long", color: "success" };
}

export function PositionsTable({ positions, marks, streamStatus, now, loading }: PositionsTableProps) {
  const [action, setAction] = useState<{ position: Position; mode: ReduceMode } | null>(null);

  return (
    <>
      <TableContainer component={Paper} variant="outlined">
        <Table size="small" aria-label="Positions" data-testid="positions-table">
          <TableHead>
            <TableRow>
              <TableCell>Symbol</TableCell>
              <TableCell align="right">Size</TableCell>
              <TableCell align="right">Entry</TableCell>
              <TableCell align="right">Mark</TableCell>
              <TableCell align="right">Liq. price</TableCell>
              <TableCell align="right">Unrealized P&amp;L (ROE)</TableCell>
              <TableCell align="right">Margin</TableCell>
              <TableCell align="right">Notional</TableCell>
              <TableCell align="right">Actions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {positions.map((p) => {
              const mark = marks[p.symbol];
              const age = mark ? now - mark.receivedAt : null;
              const fresh = !!mark && streamStatus === "online" && age !== null && age < MARK_STALE_MS;
              const live = liveFigures(p, mark?.price ?? null);
              const side = sideLabel(p);
              return (
                <TableRow key={positionKey(p)} data-testid={`position-row-${positionKey(p)}`} hover>
                  <TableCell>
                    <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
                      <Typography variant="body2" sx={{ fontWeight: 600 }}>
                        {p.symbol}
                      </Typography>
                      <Chip size="small" label={side.label} color={side.color} variant="outlined" />
                      {p.leverage !== null && <Chip size="small" label={`${p.leverage}x`} />}
                    </Stack>
                  </TableCell>
                  <TableCell align="right" sx={{ color: side.color === "error" ? "error.main" : "success.main" }}>
                    {fmt(p.quantity)}
                  </TableCell>
                  <TableCell align="right">{fmt(p.entry_price)}</TableCell>
                  <TableCell
                    align="right"
                    data-testid={`mark-${p.symbol}`}
                    data-live={fresh ? "true" : "false"}
                    sx={{ color: fresh ? "text.primary" : "text.disabled" }}
                  >
                    <Tooltip describeChild title={mark ? `Mark stream, ${ageLabel(age)} old` : "Stored mark (no live stream yet)"}>
                      <span>{fmt(live.mark)}</span>
                    </Tooltip>
                  </TableCell>
                  <TableCell align="right" sx={{ color: "warning.main" }} data-testid={`liq-${positionKey(p)}`}>
                    {fmt(p.liquidation_price)}
                  </TableCell>
                  <TableCell align="right" sx={{ opacity: fresh ? 1 : 0.6 }}>
                    <PnlText value={live.pnl} testId={`pnl-${positionKey(p)}`} />
                    <Box component="span" sx={{ ml: 0.5 }}>
                      (<PnlText value={live.roe} suffix=" %" testId={`roe-${positionKey(p)}`} />)
                    </Box>
                  </TableCell>
                  <TableCell align="right">
                    <Typography variant="body2">{fmt(p.margin_type.toLowerCase() === "isolated" ? p.isolated_margin : p.initial_margin, 2)}</Typography>
                    <Typography variant="caption" color="text.secondary">
                      {p.margin_type.toLowerCase()}
                      {p.margin_ratio ? ` · ratio ${fmt(p.margin_ratio, 2)} %` : ""}
                    </Typography>
                  </TableCell>
                  <TableCell align="right">{fmt(live.notional, 2)}</TableCell>
                  <TableCell align="right">
                    <Stack direction="row" spacing={0.5} sx={{ justifyContent: "flex-end" }}>
                      <TradeGuard>
                        <Button
                          size="small"
                          variant="outlined"
                          color="warning"
                          onClick={() => setAction({ position: p, mode: "reduce" })}
                          data-testid={`reduce-${positionKey(p)}`}
                          aria-label={`Reduce ${p.symbol} ${p.position_side}`}
                        >
                          Reduce
                        </Button>
                      </TradeGuard>
                      <TradeGuard>
                        <Button
                          size="small"
                          variant="contained"
                          color="error"
                          onClick={() => setAction({ position: p, mode: "close" })}
                          data-testid={`close-${positionKey(p)}`}
                          aria-label={`Close ${p.symbol} ${p.position_side}`}
                        >
                          Close
                        </Button>
                      </TradeGuard>
                    </Stack>
                  </TableCell>
                </TableRow>
              );
            })}
            {positions.length === 0 && (
              <TableRow>
                <TableCell colSpan={9}>
                  <Typography color="text.secondary">{loading ? "Loading…" : "No open USD-M positions."}</Typography>
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
      </TableContainer>
      {action && (
        <ReducePositionDialog
          key={`${positionKey(action.position)}-${action.mode}`}
          position={action.position}
          mode={action.mode}
          open
          onClose={() => setAction(null)}
        />
      )}
    </>
  );
}
