import type { ReactNode } from "react";
import {
  Alert,
  Box,
  CircularProgress,
  Divider,
  Drawer,
  IconButton,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from "@mui/material";
import CloseIcon from "@mui/icons-material/Close";
import { ApiError } from "../../api/client";
import { useOrder, type OrderDetail, type OrderEvent } from "../../api/orders";
import { displayPrice, fmtAmount, fmtTime, humanStatus } from "./format";
import { ExternalBadge, MarketText, SideText, StatusChip } from "./OrderBits";

const SOURCE_LABEL: Record<string, string> = {
  api: "API request",
  task: "Background task",
  stream: "User data stream",
  reconcile: "Reconciliation",
};

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box>
      <Typography variant="caption" color="text.secondary" sx={{ display: "block" }}>
        {label}
      </Typography>
      <Typography variant="body2" component="div">
        {children}
      </Typography>
    </Box>
  );
}

function Timeline({ events }: { events: OrderEvent[] }) {
  if (events.length === 0) return <Typography variant="body2" color="text.secondary">No events yet.</Typography>;
  const sorted = [...events].sort((a, b) => a.created_at.localeCompare(b.created_at));
  return (
    <Box component="ol" sx={{ listStyle: "none", m: 0, p: 0 }} data-testid="order-timeline" aria-label="Event timeline">
      {sorted.map((e, i) => (
        <Box
          component="li"
          key={`${e.created_at}-${i}`}
          sx={{ position: "relative", pl: 2.5, pb: 1.5, borderLeft: 1, borderColor: "divider", ml: 0.75 }}
        >
          <Box
            sx={{
              position: "absolute",
              left: -5,
              top: 4,
              width: 9,
              height: 9,
              borderRadius: "50%",
              bgcolor: e.event === "REJECT" || e.event === "OUTCOME_UNKNOWN" ? "error.main" : "primary.main",
            }}
          />
          <Typography variant="body2" sx={{ fontWeight: 600 }}>
            {e.event.replace(/_/g, " ").toLowerCase()}
            <Typography component="span" variant="body2" color="text.secondary">
              {` · ${humanStatus(e.from_status || "—")} → ${humanStatus(e.to_status)}`}
            </Typography>
          </Typography>
          <Typography variant="caption" color="text.secondary">
            {fmtTime(e.created_at)} · {SOURCE_LABEL[e.source] ?? e.source}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}

function Detail({ order }: { order: OrderDetail }) {
  return (
    <Stack spacing={2}>
      <Stack direction="row" spacing={1} sx={{ alignItems: "center", flexWrap: "wrap" }}>
        <Typography variant="h6" component="h2" sx={{ fontWeight: 700 }}>
          {order.symbol}
        </Typography>
        <MarketText market={order.market} />
        <SideText side={order.side} />
        <StatusChip order={order} />
        <ExternalBadge order={order} />
      </Stack>
      {(order.reject_explanation || order.reject_reason) && (
        <Alert severity="error">
          {order.reject_explanation || order.reject_reason}
          {order.reject_code !== null ? ` (code ${order.reject_code})` : ""}
        </Alert>
      )}
      <Box sx={{ display: "grid", gridTemplateColumns: "1fr 1fr", gap: 1.5 }}>
        <Field label="Type">
          {order.type.replace(/_/g, " ")}
          {order.time_in_force ? ` · ${order.time_in_force}` : ""}
        </Field>
        <Field label="Price">{displayPrice(order)}</Field>
        <Field label="Quantity">{fmtAmount(order.quantity ?? order.quote_quantity)}</Field>
        <Field label="Filled">{fmtAmount(order.executed_quantity)}</Field>
        <Field label="Average price">{fmtAmount(order.average_price)}</Field>
        <Field label="Total (quote)">{fmtAmount(order.cumulative_quote)}</Field>
        <Field label="Created">{fmtTime(order.created_at)}</Field>
        <Field label="Updated">{fmtTime(order.updated_at)}</Field>
        <Field label="Client order id">
          <Box component="span" sx={{ fontFamily: "monospace", fontSize: 12, wordBreak: "break-all" }}>
            {order.client_order_id}
          </Box>
        </Field>
        <Field label="Exchange order id">{order.exchange_order_id ?? order.exchange_algo_id ?? "—"}</Field>
        {order.reduce_only && <Field label="Reduce only">yes</Field>}
        {order.position_side && <Field label="Position side">{order.position_side}</Field>}
        {order.list_client_order_id && <Field label="Order list">{order.list_client_order_id}</Field>}
      </Box>
      <Divider />
      <Typography variant="subtitle2" component="h3">
        Fills ({order.fills.length})
      </Typography>
      {order.fills.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          No fills.
        </Typography>
      ) : (
        <Table aria-label="Fills" data-testid="order-fills">
          <TableHead>
            <TableRow>
              <TableCell>Time</TableCell>
              <TableCell align="right">Price</TableCell>
              <TableCell align="right">Qty</TableCell>
              <TableCell align="right">Fee</TableCell>
              <TableCell>Role</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {order.fills.map((f) => (
              <TableRow key={f.exchange_trade_id}>
                <TableCell>{fmtTime(f.trade_time)}</TableCell>
                <TableCell align="right">{fmtAmount(f.price)}</TableCell>
                <TableCell align="right">{fmtAmount(f.quantity)}</TableCell>
                <TableCell align="right">
                  {fmtAmount(f.commission)} {f.commission_asset}
                </TableCell>
                <TableCell>{f.is_maker ? "maker" : "taker"}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <Divider />
      <Typography variant="subtitle2" component="h3">
        Event timeline
      </Typography>
      <Timeline events={order.events} />
    </Stack>
  );
}

/** `/orders/:orderId`: the order, its fills and its state machine's events, refreshed live. */
export function OrderDetailDrawer({ orderId, onClose }: { orderId: string | undefined; onClose: () => void }) {
  const query = useOrder(orderId ?? null);
  const notFound = query.error instanceof ApiError && query.error.status === 404;
  return (
    <Drawer
      anchor="right"
      open={orderId !== undefined}
      onClose={onClose}
      slotProps={{ paper: { sx: { width: { xs: "100%", sm: 480 } } } }}
    >
      <Box sx={{ p: 2 }} data-testid="order-detail" role="region" aria-label={`Order ${orderId ?? ""}`}>
        <Stack direction="row" sx={{ alignItems: "center", mb: 1 }}>
          <Typography variant="overline" sx={{ flexGrow: 1 }}>
            Order #{orderId}
          </Typography>
          <IconButton aria-label="Close order details" onClick={onClose} size="small">
            <CloseIcon />
          </IconButton>
        </Stack>
        {query.isPending && query.fetchStatus !== "idle" && <CircularProgress size={24} aria-label="Loading order" />}
        {notFound && <Alert severity="warning">There is no order #{orderId}.</Alert>}
        {query.isError && !notFound && <Alert severity="error">{query.error.message}</Alert>}
        {query.data && <Detail order={query.data} />}
      </Box>
    </Drawer>
  );
}
