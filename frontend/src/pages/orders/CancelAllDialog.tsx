import { useMemo, useState } from "react";
import {
  Alert,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  FormControl,
  FormControlLabel,
  MenuItem,
  Radio,
  RadioGroup,
  TextField,
} from "@mui/material";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { cancelAll, isCancelable, type Order, type OrderMarket } from "../../api/orders";

type ScopeKind = "all" | "market" | "symbol";

interface Scope {
  market?: OrderMarket;
  symbol?: string;
}

function describe(scope: Scope): string {
  if (scope.symbol && scope.market) return `every open ${scope.market === "USDM" ? "USD-M" : "Spot"} ${scope.symbol} order`;
  if (scope.market) return `every open ${scope.market === "USDM" ? "USD-M" : "Spot"} order`;
  return "every open order of the platform";
}

/** Asks which orders to cancel (all, one market, one symbol), says how many, then cancels them. */
export function CancelAllDialog({ open, onClose, orders }: { open: boolean; onClose: () => void; orders: Order[] }) {
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<ScopeKind>("all");
  const [market, setMarket] = useState<OrderMarket>("SPOT");
  const pairs = useMemo(() => {
    const seen = new Map<string, { market: OrderMarket; symbol: string }>();
    for (const o of orders) seen.set(`${o.market}:${o.symbol}`, { market: o.market, symbol: o.symbol });
    return [...seen.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [orders]);
  const [pairKey, setPairKey] = useState("");
  const chosenPair = pairs.find(([k]) => k === pairKey)?.[1] ?? pairs[0]?.[1];

  const scope: Scope =
    kind === "market" ? { market } : kind === "symbol" && chosenPair ? { market: chosenPair.market, symbol: chosenPair.symbol } : {};
  const affected = orders.filter(
    (o) =>
      isCancelable(o) &&
      (!scope.market || o.market === scope.market) &&
      (!scope.symbol || o.symbol === scope.symbol),
  ).length;

  const run = useMutation({
    mutationFn: () => cancelAll(scope),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["orders"] });
      onClose();
    },
  });

  return (
    <Dialog open={open} onClose={run.isPending ? undefined : onClose} aria-labelledby="cancel-all-title" maxWidth="xs" fullWidth>
      <DialogTitle id="cancel-all-title">Cancel open orders</DialogTitle>
      <DialogContent>
        <FormControl>
          <RadioGroup value={kind} onChange={(e) => setKind(e.target.value as ScopeKind)} aria-label="Which orders">
            <FormControlLabel value="all" control={<Radio size="small" />} label="All open orders" />
            <FormControlLabel value="market" control={<Radio size="small" />} label="One market" />
            <FormControlLabel
              value="symbol"
              control={<Radio size="small" />}
              label="One symbol"
              disabled={pairs.length === 0}
            />
          </RadioGroup>
        </FormControl>
        {kind === "market" && (
          <TextField
            select
            fullWidth
            label="Market"
            value={market}
            onChange={(e) => setMarket(e.target.value as OrderMarket)}
            sx={{ mt: 1 }}
          >
            <MenuItem value="SPOT">Spot</MenuItem>
            <MenuItem value="USDM">USD-M</MenuItem>
          </TextField>
        )}
        {kind === "symbol" && chosenPair && (
          <TextField
            select
            fullWidth
            label="Symbol"
            value={`${chosenPair.market}:${chosenPair.symbol}`}
            onChange={(e) => setPairKey(e.target.value)}
            sx={{ mt: 1 }}
          >
            {pairs.map(([key, p]) => (
              <MenuItem key={key} value={key}>
                {p.symbol} ({p.market === "USDM" ? "USD-M" : "Spot"})
              </MenuItem>
            ))}
          </TextField>
        )}
        <DialogContentText sx={{ mt: 2 }} data-testid="cancel-all-summary">
          This cancels {describe(scope)}: {affected} shown here
          {affected === 1 ? " is" : " are"} cancelable now. Each order is canceled on its own and shows
          “pending cancel” until the exchange confirms.
        </DialogContentText>
        {run.error && (
          <Alert severity="error" sx={{ mt: 1 }}>
            {run.error.message}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={run.isPending}>
          Keep orders
        </Button>
        <Button
          color="error"
          variant="contained"
          onClick={() => run.mutate()}
          disabled={run.isPending}
          data-testid="cancel-all-confirm"
        >
          {run.isPending ? "Canceling…" : "Cancel orders"}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
