import {
  Chip,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from "@mui/material";
import type { TradingStateResponse, TradingStateValue } from "../../api/risk";
import { ageLabel } from "../../realtime";

const STATE_COLOR: Record<TradingStateValue, "success" | "warning" | "error"> = {
  ACTIVE: "success",
  REDUCE_ONLY: "warning",
  HALTED: "error",
};

function stateColor(state: string): "success" | "warning" | "error" | "default" {
  return STATE_COLOR[state as TradingStateValue] ?? "default";
}

/** The global state, the effective state per market, and each scope set with its reason and age. */
export function TradingStatePanel({ data, now }: { data: TradingStateResponse | undefined; now: number }) {
  const scopes = data?.scopes ?? [];
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }} data-testid="trading-state" data-state={data?.global ?? "unknown"}>
      <Stack direction="row" spacing={1} sx={{ alignItems: "center", flexWrap: "wrap", rowGap: 1, mb: 1 }}>
        <Typography variant="subtitle1" sx={{ fontWeight: 600 }}>
          Trading state
        </Typography>
        <Chip label={data?.global ?? "…"} color={stateColor(data?.global ?? "")} data-testid="trading-state-global" />
        {data && (
          <>
            <Chip size="small" variant="outlined" label={`Spot: ${data.effective.SPOT}`} color={stateColor(data.effective.SPOT)} />
            <Chip size="small" variant="outlined" label={`USD-M: ${data.effective.USDM}`} color={stateColor(data.effective.USDM)} />
          </>
        )}
      </Stack>
      <Table size="small" aria-label="Trading state by scope">
        <TableHead>
          <TableRow>
            <TableCell>Scope</TableCell>
            <TableCell>State</TableCell>
            <TableCell>Reason</TableCell>
            <TableCell>Set by</TableCell>
            <TableCell>Since</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {scopes.map((row) => (
            <TableRow key={row.scope} data-testid={`trading-scope-${row.scope}`}>
              <TableCell sx={{ fontFamily: "monospace" }}>{row.scope}</TableCell>
              <TableCell>
                <Chip size="small" label={row.state} color={stateColor(row.state)} />
              </TableCell>
              <TableCell sx={{ wordBreak: "break-word" }}>{row.reason || "—"}</TableCell>
              <TableCell>
                {row.source.replace("_", " ")}
                {row.actor ? ` (${row.actor})` : ""}
              </TableCell>
              <TableCell title={new Date(row.created_at).toLocaleString()}>
                {ageLabel(now - Date.parse(row.created_at))} ago
              </TableCell>
            </TableRow>
          ))}
          {scopes.length === 0 && (
            <TableRow>
              <TableCell colSpan={5}>
                <Typography variant="body2" color="text.secondary">
                  No scope has been set: everything is ACTIVE.
                </Typography>
              </TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
    </Paper>
  );
}
