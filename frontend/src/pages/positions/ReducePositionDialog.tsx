import { useState } from "react";
import {
  Alert,
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Stack,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
  Typography,
} from "@mui/material";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  closeQuantity,
  placeReduceOrder,
  reduceOrderFor,
  useMarketStep,
  type PlacedOrder,
  type Position,
} from "../../api/positions";
import { isFinalStatus, useOrder } from "../../api/orders";
import { formatDecimal, isDecimal, isZero } from "../../lib/decimal";
import { apiErrorText } from "./format";
import { reduceQuantity, type Portion } from "./reduceQuantity";

export type ReduceMode = "close" | "reduce";

export interface ReducePositionDialogProps {
  position: Position;
  mode: ReduceMode;
  open: boolean;
  onClose: () => void;
}

/** Confirm dialog of Close (full size) and Reduce (25 / 50 % or a custom quantity): a reduce-only market order. */
export function ReducePositionDialog({ position, mode, open, onClose }: ReducePositionDialogProps) {
  const queryClient = useQueryClient();
  const step = useMarketStep(open ? position.symbol : null);
  const [portion, setPortion] = useState<Portion>("50");
  const [custom, setCustom] = useState("");
  const size = closeQuantity(position);

  const mutation = useMutation({
    mutationFn: placeReduceOrder,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["orders"] });
      void queryClient.invalidateQueries({ queryKey: ["positions"] });
    },
  });

  const stepValue = step.data ?? null;
  const picked = mode === "close" ? { quantity: size } : reduceQuantity(size, portion, custom, stepValue);
  const order = "quantity" in picked ? reduceOrderFor(position, picked.quantity) : null;
  const placed: PlacedOrder | undefined = mutation.data;
  // Follow the order until the exchange's final answer (polled, and refreshed by order events).
  const tracked = useOrder(placed?.id ?? null);
  const done = placed ? { ...placed, ...(tracked.data ?? {}) } : undefined;

  function handleClose() {
    mutation.reset();
    setCustom("");
    setPortion("50");
    onClose();
  }

  const title = mode === "close" ? `Close ${position.symbol}` : `Reduce ${position.symbol}`;
  return (
    <Dialog open={open} onClose={handleClose} aria-labelledby="reduce-dialog-title" data-testid="reduce-dialog" maxWidth="xs" fullWidth>
      <DialogTitle id="reduce-dialog-title">
        {title} {position.position_side !== "BOTH" ? position.position_side : ""}
      </DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <Typography variant="body2" color="text.secondary">
            Position size {formatDecimal(position.quantity)} · entry {position.entry_price ?? "—"}
          </Typography>
          {mode === "reduce" && !done && (
            <>
              <ToggleButtonGroup
                exclusive
                size="small"
                value={portion}
                onChange={(_, v: Portion | null) => v && setPortion(v)}
                aria-label="Share of the position"
              >
                <ToggleButton value="25">25 %</ToggleButton>
                <ToggleButton value="50">50 %</ToggleButton>
                <ToggleButton value="custom">Custom</ToggleButton>
              </ToggleButtonGroup>
              {portion === "custom" && (
                <TextField
                  size="small"
                  label="Quantity"
                  value={custom}
                  onChange={(e) => setCustom(e.target.value)}
                  slotProps={{ htmlInput: { inputMode: "decimal", "data-testid": "reduce-quantity" } }}
                  helperText={stepValue ? `Lot step ${stepValue}` : undefined}
                />
              )}
            </>
          )}
          {"error" in picked && !done && <Alert severity="warning">{picked.error}</Alert>}
          {order && !done && (
            <Box data-testid="reduce-summary" sx={{ fontFamily: "monospace", fontSize: 13 }}>
              {order.side} {order.quantity} {order.symbol} MARKET
              {order.reduce_only ? " · reduce-only" : ` · position side ${order.position_side}`}
            </Box>
          )}
          {mutation.isError && (
            <Alert severity="error" data-testid="reduce-error">
              {apiErrorText(mutation.error)}
            </Alert>
          )}
          {done && (
            <Alert
              severity={done.status === "REJECTED" || done.status === "EXPIRED" ? "error" : isFinalStatus(done.status) ? "success" : "info"}
              data-testid="reduce-result"
              data-status={done.status}
            >
              Order #{done.id} {done.side} {done.quantity ?? ""} {done.symbol}: {done.status}
              {done.average_price && done.executed_quantity && isDecimal(done.executed_quantity) && !isZero(done.executed_quantity)
                ? ` · ${done.executed_quantity} at ${done.average_price}`
                : ""}
              {done.reject_reason ? ` (${done.reject_reason})` : ""}
            </Alert>
          )}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={handleClose}>{done ? "Done" : "Cancel"}</Button>
        {!done && (
          <Button
            variant="contained"
            color={mode === "close" ? "error" : "warning"}
            disabled={!order || mutation.isPending}
            onClick={() => order && mutation.mutate(order)}
            data-testid="reduce-confirm"
          >
            {mode === "close" ? "Close at market" : "Reduce at market"}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
