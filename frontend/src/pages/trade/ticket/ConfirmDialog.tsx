import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack, Typography } from "@mui/material";
import { formatDecimal, isDecimal, normalize } from "../../../lib/decimal";
import type { PlaceRequest } from "../../../api/ticket";

export interface ConfirmDialogProps {
  open: boolean;
  request: PlaceRequest | null;
  reasons: string[];
  notional: string | null;
  quote: string;
  valueDecimals: number | undefined;
  actionLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}

function rows(request: PlaceRequest): [string, string][] {
  const out: [string, string][] = [
    ["Symbol", `${request.symbol} (${request.market === "USDM" ? "USD-M" : "Spot"})`],
    ["Side", request.side],
    ["Type", request.type],
  ];
  if (request.type === "OCO") {
    out.push(["Quantity", normalize(request.quantity)]);
    for (const [name, leg] of [["Above", request.above], ["Below", request.below]] as const) {
      const parts = [leg.type, leg.stop_price ? `stop ${leg.stop_price}` : "", leg.price ? `limit ${leg.price}` : ""];
      out.push([name, parts.filter(Boolean).join(" · ")]);
    }
    return out;
  }
  const fields: [string, string | undefined][] = [
    ["Quantity", request.quantity],
    ["Total", request.quote_quantity],
    ["Price", request.price],
    ["Stop", request.stop_price],
    ["Callback rate", request.callback_rate && `${request.callback_rate}%`],
    ["Activation", request.activation_price],
    ["Time in force", request.time_in_force],
    ["Position side", request.position_side],
  ];
  // Exactly what is sent, without padding zeros ("5000", not "5000.00000000").
  for (const [name, value] of fields) if (value) out.push([name, isDecimal(value) ? normalize(value) : value]);
  if (request.post_only) out.push(["Post-only", "yes"]);
  if (request.reduce_only) out.push(["Reduce-only", "yes"]);
  return out;
}

/** "Are you sure?" for large orders and every order on LIVE: what will be sent, and why we ask. */
export function ConfirmDialog({ open, request, reasons, notional, quote, valueDecimals, actionLabel, onConfirm, onCancel }: ConfirmDialogProps) {
  return (
    <Dialog open={open && request !== null} onClose={onCancel} aria-labelledby="ticket-confirm-title" data-testid="ticket-confirm">
      <DialogTitle id="ticket-confirm-title" sx={{ pb: 1 }}>
        Confirm order
      </DialogTitle>
      <DialogContent sx={{ minWidth: 320 }}>
        <Stack spacing={1}>
          {reasons.map((reason) => (
            <Alert key={reason} severity="warning" sx={{ py: 0 }}>
              {reason}
            </Alert>
          ))}
          {request && (
            <Box component="dl" sx={{ display: "grid", gridTemplateColumns: "auto 1fr", columnGap: 2, rowGap: 0.25, m: 0, fontSize: 13 }}>
              {rows(request).map(([name, value]) => (
                <Box key={name} sx={{ display: "contents" }}>
                  <Typography component="dt" sx={{ fontSize: 13, color: "text.secondary" }}>
                    {name}
                  </Typography>
                  <Typography component="dd" sx={{ fontSize: 13, m: 0, fontVariantNumeric: "tabular-nums" }}>
                    {value}
                  </Typography>
                </Box>
              ))}
              <Typography component="dt" sx={{ fontSize: 13, color: "text.secondary" }}>
                Value
              </Typography>
              <Typography component="dd" sx={{ fontSize: 13, m: 0, fontVariantNumeric: "tabular-nums" }}>
                {notional ? `≈ ${formatDecimal(notional, { group: true, decimals: valueDecimals })} ${quote}` : "unknown"}
              </Typography>
            </Box>
          )}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button variant="contained" color={request?.side === "SELL" ? "error" : "success"} onClick={onConfirm} autoFocus>
          {`Confirm: ${actionLabel}`}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
