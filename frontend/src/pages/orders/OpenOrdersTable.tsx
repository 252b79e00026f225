import { useState, type KeyboardEvent } from "react";
import {
  Alert,
  Box,
  Button,
  IconButton,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from "@mui/material";
import EditIcon from "@mui/icons-material/Edit";
import CheckIcon from "@mui/icons-material/Check";
import CloseIcon from "@mui/icons-material/Close";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ApiError } from "../../api/client";
import { cancelOrder, isCancelable, isModifiable, modifyOrder, type Order } from "../../api/orders";
import { TradeGuard } from "../../auth/permissions";
import { compare, normalize } from "../../lib/decimal";
import { displayPrice, filledPercent, fmtAmount, isPositiveDecimal } from "./format";
import { OrderLeadCells, StatusChip } from "./OrderBits";

// Table cells do not wrap (dense numbers); a server message under a field must.
const FIELD_SX = { width: 150, "& .MuiFormHelperText-root": { whiteSpace: "normal", mx: 0, textAlign: "left" } };

interface FieldErrors {
  price?: string;
  quantity?: string;
  general?: string;
}

/** Server errors by field: DRF field lists, `detail` (409 "not modifiable"), non-field errors. */
function serverErrors(error: unknown): FieldErrors {
  if (!(error instanceof ApiError)) return { general: error instanceof Error ? error.message : String(error) };
  const fields = error.fieldErrors;
  const out: FieldErrors = {};
  if (fields.price) out.price = fields.price.join(" ");
  if (fields.quantity) out.quantity = fields.quantity.join(" ");
  const rest = Object.entries(fields)
    .filter(([k]) => k !== "price" && k !== "quantity")
    .map(([k, v]) => (k === "non_field_errors" ? v.join(" ") : `${k}: ${v.join(" ")}`));
  if (typeof error.body?.detail === "string") rest.unshift(error.body.detail);
  if (rest.length > 0) out.general = rest.join(" ");
  if (!out.price && !out.quantity && !out.general) out.general = error.message;
  return out;
}

function EditRow({ order, onDone }: { order: Order; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [price, setPrice] = useState(order.price ? normalize(order.price) : "");
  const [quantity, setQuantity] = useState(order.quantity ? normalize(order.quantity) : "");
  const [errors, setErrors] = useState<FieldErrors>({});
  const save = useMutation({
    mutationFn: (changes: { price?: string; quantity?: string }) => modifyOrder(order.id, changes),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["orders"] });
      void queryClient.invalidateQueries({ queryKey: ["order", String(order.id)] });
      onDone();
    },
    onError: (error) => setErrors(serverErrors(error)),
  });

  function submit() {
    const local: FieldErrors = {};
    if (!isPositiveDecimal(price)) local.price = "A positive number, e.g. 42000.5";
    if (!isPositiveDecimal(quantity)) local.quantity = "A positive number, e.g. 0.01";
    if (local.price || local.quantity) {
      setErrors(local);
      return;
    }
    const changes: { price?: string; quantity?: string } = {};
    if (!order.price || compare(price, order.price) !== 0) changes.price = price;
    if (!order.quantity || compare(quantity, order.quantity) !== 0) changes.quantity = quantity;
    if (!changes.price && !changes.quantity) {
      onDone();
      return;
    }
    setErrors({});
    save.mutate(changes);
  }

  function onKey(e: KeyboardEvent) {
    if (e.key === "Enter") {
      e.preventDefault();
      submit();
    } else if (e.key === "Escape") {
      e.preventDefault();
      onDone();
    }
  }

  return (
    <>
      <TableCell align="right" sx={{ verticalAlign: "top" }}>
        <TextField
          value={price}
          onChange={(e) => setPrice(e.target.value.trim())}
          onKeyDown={onKey}
          error={!!errors.price}
          helperText={errors.price}
          sx={FIELD_SX}
          autoFocus
          slotProps={{
            htmlInput: {
              "aria-label": `New price for order ${order.id}`,
              "data-testid": `modify-price-${order.id}`,
              inputMode: "decimal",
              style: { textAlign: "right" },
            },
            formHelperText: { "data-testid": `modify-price-error-${order.id}` } as object,
          }}
        />
      </TableCell>
      <TableCell align="right" sx={{ verticalAlign: "top" }}>
        <TextField
          value={quantity}
          onChange={(e) => setQuantity(e.target.value.trim())}
          onKeyDown={onKey}
          error={!!errors.quantity}
          helperText={errors.quantity}
          sx={FIELD_SX}
          slotProps={{
            htmlInput: {
              "aria-label": `New quantity for order ${order.id}`,
              "data-testid": `modify-quantity-${order.id}`,
              inputMode: "decimal",
              style: { textAlign: "right" },
            },
            formHelperText: { "data-testid": `modify-quantity-error-${order.id}` } as object,
          }}
        />
        {errors.general && (
          <Typography
            variant="caption"
            color="error"
            role="alert"
            data-testid={`modify-error-${order.id}`}
            sx={{ display: "block", maxWidth: 220, whiteSpace: "normal", textAlign: "left", mt: 0.5 }}
          >
            {errors.general}
          </Typography>
        )}
      </TableCell>
      <TableCell colSpan={3} sx={{ verticalAlign: "top" }}>
        <Stack direction="row" spacing={0.5}>
          <Button
            size="small"
            variant="contained"
            startIcon={<CheckIcon />}
            onClick={submit}
            disabled={save.isPending}
            data-testid={`modify-save-${order.id}`}
          >
            Save
          </Button>
          <IconButton size="small" aria-label="Discard changes" title="Discard changes (Esc)" onClick={onDone} disabled={save.isPending}>
            <CloseIcon fontSize="small" />
          </IconButton>
        </Stack>
      </TableCell>
    </>
  );
}

export interface OpenOrdersTableProps {
  orders: Order[];
  onOpen: (order: Order) => void;
}

/** Open orders with cancel and inline price/quantity change; rows open the detail drawer. */
export function OpenOrdersTable({ orders, onOpen }: OpenOrdersTableProps) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<number | null>(null);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const cancel = useMutation({
    mutationFn: (id: number) => cancelOrder(id),
    onSuccess: (updated) => {
      queryClient.setQueryData(["order", String(updated.id)], (old: object | undefined) =>
        old ? { ...old, ...updated } : old,
      );
      void queryClient.invalidateQueries({ queryKey: ["orders"] });
    },
    onError: (error) => setCancelError(error instanceof Error ? error.message : String(error)),
  });

  return (
    <Box>
      {cancelError && (
        <Alert severity="error" onClose={() => setCancelError(null)} sx={{ mb: 1 }} data-testid="cancel-error">
          {cancelError}
        </Alert>
      )}
      <TableContainer>
        <Table aria-label="Open orders" data-testid="open-orders-table" stickyHeader>
          <TableHead>
            <TableRow>
              <TableCell>Time</TableCell>
              <TableCell>Symbol</TableCell>
              <TableCell>Market</TableCell>
              <TableCell>Side</TableCell>
              <TableCell>Type</TableCell>
              <TableCell align="right">Price</TableCell>
              <TableCell align="right">Quantity</TableCell>
              <TableCell align="right">Filled</TableCell>
              <TableCell>Status</TableCell>
              <TableCell align="right">Actions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {orders.length === 0 && (
              <TableRow>
                <TableCell colSpan={10}>
                  <Typography variant="body2" color="text.secondary" sx={{ py: 2, textAlign: "center" }}>
                    No open orders.
                  </Typography>
                </TableCell>
              </TableRow>
            )}
            {orders.map((order) => {
              const pct = filledPercent(order);
              const isEditing = editing === order.id;
              const pending = cancel.isPending && cancel.variables === order.id;
              return (
                <TableRow
                  key={order.id}
                  hover
                  data-testid={`order-row-${order.id}`}
                  data-status={order.status}
                  sx={{ opacity: order.status === "PENDING_CANCEL" ? 0.6 : 1 }}
                >
                  <OrderLeadCells order={order} onOpen={onOpen} />
                  <TableCell>
                    {order.type.replace(/_/g, " ")}
                    {order.reduce_only ? " · RO" : ""}
                  </TableCell>
                  {isEditing ? (
                    <EditRow order={order} onDone={() => setEditing(null)} />
                  ) : (
                    <>
                      <TableCell align="right">{displayPrice(order)}</TableCell>
                      <TableCell align="right">{fmtAmount(order.quantity ?? order.quote_quantity)}</TableCell>
                      <TableCell align="right">
                        {fmtAmount(order.executed_quantity)}
                        {pct !== null && (
                          <Typography component="span" variant="caption" color="text.secondary">
                            {` (${pct} %)`}
                          </Typography>
                        )}
                      </TableCell>
                      <TableCell>
                        <StatusChip order={order} />
                      </TableCell>
                      <TableCell align="right">
                        <Stack direction="row" spacing={0.5} sx={{ justifyContent: "flex-end" }}>
                          {isModifiable(order) && (
                            <TradeGuard>
                              <IconButton
                                size="small"
                                aria-label={`Modify order ${order.id}`}
                                title="Change price or quantity"
                                data-testid={`modify-order-${order.id}`}
                                onClick={() => setEditing(order.id)}
                              >
                                <EditIcon fontSize="small" />
                              </IconButton>
                            </TradeGuard>
                          )}
                          <TradeGuard>
                            <Button
                              size="small"
                              color="error"
                              variant="outlined"
                              data-testid={`cancel-order-${order.id}`}
                              aria-label={`Cancel order ${order.id}`}
                              disabled={!isCancelable(order) || pending}
                              onClick={() => {
                                setCancelError(null);
                                cancel.mutate(order.id);
                              }}
                            >
                              {pending ? "Canceling…" : "Cancel"}
                            </Button>
                          </TradeGuard>
                        </Stack>
                      </TableCell>
                    </>
                  )}
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </TableContainer>
    </Box>
  );
}
