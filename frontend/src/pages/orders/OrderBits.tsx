import { Button, Chip, TableCell, Tooltip, Typography } from "@mui/material";
import type { Order } from "../../api/orders";
import { isExternal } from "../../api/orders";
import { fmtTime, humanStatus } from "./format";

export function SideText({ side }: { side: string }) {
  return (
    <Typography
      component="span"
      variant="body2"
      sx={{ fontWeight: 700, color: side === "BUY" ? "success.main" : "error.main" }}
    >
      {side === "BUY" ? "Buy" : "Sell"}
    </Typography>
  );
}

const STATUS_COLOR: Record<string, "default" | "info" | "success" | "warning" | "error"> = {
  PENDING_NEW: "default",
  NEW: "info",
  PARTIALLY_FILLED: "info",
  FILLED: "success",
  PENDING_CANCEL: "warning",
  CANCELED: "default",
  REJECTED: "error",
  EXPIRED: "default",
  EXPIRED_IN_MATCH: "default",
  UNKNOWN: "warning",
};

export function StatusChip({ order }: { order: Pick<Order, "status" | "reject_reason" | "reject_explanation"> }) {
  const chip = (
    <Chip
      size="small"
      variant="outlined"
      color={STATUS_COLOR[order.status] ?? "default"}
      label={humanStatus(order.status)}
      data-status={order.status}
      sx={{ height: 20, textTransform: "capitalize" }}
    />
  );
  const why = order.reject_explanation || order.reject_reason;
  if (order.status === "UNKNOWN") {
    return (
      <Tooltip describeChild title="The exchange's answer was lost; reconciliation will settle it. Never assume.">
        {chip}
      </Tooltip>
    );
  }
  return why ? (
    <Tooltip describeChild title={why}>
      {chip}
    </Tooltip>
  ) : (
    chip
  );
}

export function ExternalBadge({ order }: { order: Order }) {
  if (!isExternal(order)) return null;
  return (
    <Tooltip describeChild title="Placed outside the platform with our API key; adopted by reconciliation.">
      <Chip
        size="small"
        label="EXT"
        color="secondary"
        data-testid={`external-${order.id}`}
        sx={{ height: 18, ml: 0.75, fontSize: 10, fontWeight: 700 }}
      />
    </Tooltip>
  );
}

export function MarketText({ market }: { market: string }) {
  return (
    <Typography component="span" variant="body2" color="text.secondary">
      {market === "USDM" ? "USD-M" : "Spot"}
    </Typography>
  );
}

/** The cells every order table starts with: time, symbol (opens the details), market and side. */
export function OrderLeadCells({ order, onOpen }: { order: Order; onOpen: (order: Order) => void }) {
  return (
    <>
      <TableCell>{fmtTime(order.created_at)}</TableCell>
      <TableCell>
        <Button
          size="small"
          variant="text"
          onClick={() => onOpen(order)}
          aria-label={`Details of order ${order.id} ${order.symbol}`}
          sx={{ p: 0, minWidth: 0, fontWeight: 700 }}
        >
          {order.symbol}
        </Button>
        <ExternalBadge order={order} />
      </TableCell>
      <TableCell>
        <MarketText market={order.market} />
      </TableCell>
      <TableCell>
        <SideText side={order.side} />
      </TableCell>
    </>
  );
}
