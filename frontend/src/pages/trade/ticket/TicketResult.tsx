import { Box, Chip, IconButton, Link, Stack, Tooltip, Typography } from "@mui/material";
import CloseIcon from "@mui/icons-material/Close";
import { Link as RouterLink } from "react-router-dom";
import { useQueryClient } from "@tanstack/react-query";
import { formatDecimal } from "../../../lib/decimal";
import { isFinalStatus, useOrder } from "../../../api/orders";
import type { PlacedOrder } from "../../../api/ticket";
import { useAccountEvents } from "../../../realtime";

type ChipColor = "default" | "info" | "success" | "warning" | "error";

function statusColor(status: string): ChipColor {
  switch (status) {
    case "FILLED":
      return "success";
    case "NEW":
    case "PARTIALLY_FILLED":
      return "info";
    case "REJECTED":
    case "EXPIRED":
    case "EXPIRED_IN_MATCH":
    case "UNKNOWN":
      return "error";
    case "CANCELED":
      return "warning";
    default:
      return "default";
  }
}

/** The order(s) the last submission placed, followed until they reach a final state. */
export function TicketResult({ orders, onDismiss }: { orders: PlacedOrder[]; onDismiss: () => void }) {
  return (
    <Box data-testid="ticket-result" sx={{ border: 1, borderColor: "divider", borderRadius: 1, p: 0.75, fontSize: 12 }}>
      <Stack direction="row" sx={{ alignItems: "center", justifyContent: "space-between" }}>
        <Typography sx={{ fontSize: 12, fontWeight: 600 }}>Last order</Typography>
        <Tooltip title="Dismiss">
          <IconButton size="small" aria-label="Dismiss the order result" onClick={onDismiss} sx={{ p: 0.25 }}>
            <CloseIcon fontSize="inherit" />
          </IconButton>
        </Tooltip>
      </Stack>
      {orders.map((order) => (
        <TrackedOrder key={order.id} placed={order} />
      ))}
    </Box>
  );
}

function TrackedOrder({ placed }: { placed: PlacedOrder }) {
  const queryClient = useQueryClient();
  // Polled every 2 s until final (the account events below usually make it sooner).
  const tracked = useOrder(placed.id);
  useAccountEvents(["order", "fill"], (event) => {
    const id = event.kind === "order" ? event.payload.id : event.payload.order_id;
    if (id === placed.id) void queryClient.invalidateQueries({ queryKey: ["order", String(placed.id)] });
  });
  const order = tracked.data ?? placed;
  const final = isFinalStatus(order.status);
  const executed = order.executed_quantity && order.executed_quantity !== "0" ? order.executed_quantity : null;
  const reason = tracked.data?.reject_explanation || tracked.data?.reject_reason || "";
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: "center", flexWrap: "wrap", mt: 0.5 }} data-order-id={order.id}>
      <Link component={RouterLink} to={`/orders/${order.id}`} underline="hover" sx={{ fontSize: 12 }}>
        #{order.id}
      </Link>
      <Typography component="span" sx={{ fontSize: 12 }}>
        {order.side} {order.type}
        {order.quantity ? ` ${formatDecimal(order.quantity)}` : ""}
        {order.price ? ` @ ${formatDecimal(order.price)}` : ""}
      </Typography>
      <Chip
        size="small"
        data-testid="ticket-result-status"
        data-final={final ? "true" : "false"}
        color={statusColor(order.status)}
        label={order.status}
        sx={{ height: 18, fontSize: 11 }}
      />
      {executed && (
        <Typography component="span" sx={{ fontSize: 11, color: "text.secondary" }}>
          filled {formatDecimal(executed)}
          {order.average_price ? ` @ ${formatDecimal(order.average_price)}` : ""}
        </Typography>
      )}
      {reason && (
        <Typography component="span" sx={{ fontSize: 11, color: "error.main", width: "100%" }}>
          {reason}
        </Typography>
      )}
      {tracked.isError && !final && (
        <Typography component="span" sx={{ fontSize: 11, color: "warning.main", width: "100%" }}>
          Cannot refresh the order right now; the status shown may be behind.
        </Typography>
      )}
    </Stack>
  );
}
