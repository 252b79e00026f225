import { useState } from "react";
import { useLocation, useNavigate, useParams, useSearchParams } from "react-router-dom";
import {
  Alert,
  Badge,
  Box,
  Button,
  MenuItem,
  Paper,
  Stack,
  Tab,
  Tabs,
  TextField,
  Typography,
} from "@mui/material";
import { useQueryClient } from "@tanstack/react-query";
import { PageHeader } from "../../components/PageHeader";
import { useOpenOrders, useOrderHistory, type Order, type OrderMarket } from "../../api/orders";
import { TradeGuard } from "../../auth/permissions";
import { ageLabel, StaleBadge, useAccountEvents, useNow, useRealtimeStatus } from "../../realtime";
import { CancelAllDialog } from "./CancelAllDialog";
import { OpenOrdersTable } from "./OpenOrdersTable";
import { OrderDetailDrawer } from "./OrderDetailDrawer";
import { OrderHistoryTable } from "./OrderHistoryTable";

type TabValue = "open" | "history";

function orderIdOf(payload: Record<string, unknown>, kind: string): string | null {
  const id = kind === "fill" ? payload.order_id : payload.id;
  return typeof id === "number" || typeof id === "string" ? String(id) : null;
}

/** `datetime-local` value (local time, no zone) → ISO 8601 for the API; "" when empty or invalid. */
function sinceToIso(local: string): string {
  if (!local) return "";
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}

/**
 * Orders: open orders (cancel, cancel all, change price/quantity in place) and history (filters,
 * pages). `/orders/:orderId` opens the detail drawer over either tab. Account events keep both
 * live; without the account socket the tables poll and say how old they are.
 */
export function OrdersPage() {
  const { orderId } = useParams();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const tab: TabValue = params.get("tab") === "history" ? "history" : "open";
  const market = (params.get("market") ?? "") as OrderMarket | "";
  const symbol = params.get("symbol") ?? "";
  const status = params.get("status") === "all" ? "all" : "closed";
  const since = params.get("since") ?? "";
  const pageIndex = Math.max(0, Number(params.get("page") ?? "1") - 1) || 0;
  const pageSize = Number(params.get("size") ?? "50") || 50;
  const [cancelAllOpen, setCancelAllOpen] = useState(false);

  const live = useRealtimeStatus();
  const accountLive = live.account === "online";
  const now = useNow(1_000);

  const open = useOpenOrders(
    { market: market || undefined, symbol: symbol || undefined },
    { refetchInterval: accountLive ? 30_000 : 5_000 },
  );
  const history = useOrderHistory({
    market: market || undefined,
    symbol: symbol || undefined,
    status,
    since: sinceToIso(since),
    page: pageIndex + 1,
    pageSize,
  }, { enabled: tab === "history" });

  useAccountEvents(["order", "fill"], (event) => {
    void queryClient.invalidateQueries({ queryKey: ["orders"] });
    const id = orderIdOf(event.payload, event.kind);
    if (id !== null) void queryClient.invalidateQueries({ queryKey: ["order", id] });
  });

  function update(changes: Record<string, string>) {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    // Any filter change starts the history from its first page.
    if (!("page" in changes)) next.delete("page");
    setParams(next, { replace: true });
  }

  function openOrder(order: Order) {
    navigate({ pathname: `/orders/${order.id}`, search: location.search });
  }

  const openOrders = open.data ?? [];
  const ageMs = tab === "open" ? (open.dataUpdatedAt ? now - open.dataUpdatedAt : null) : null;

  return (
    <Box>
      <PageHeader
        title="Orders"
        actions={
          <TradeGuard>
            <Button
              color="error"
              variant="outlined"
              onClick={() => setCancelAllOpen(true)}
              disabled={openOrders.length === 0}
              data-testid="cancel-all"
            >
              Cancel all…
            </Button>
          </TradeGuard>
        }
      />
      <Paper variant="outlined">
        <Stack
          direction="row"
          spacing={1.5}
          sx={{ alignItems: "center", px: 1.5, pt: 0.5, flexWrap: "wrap", rowGap: 1, borderBottom: 1, borderColor: "divider" }}
        >
          <Tabs value={tab} onChange={(_e, v: TabValue) => update({ tab: v === "open" ? "" : v })} aria-label="Order lists">
            <Tab
              value="open"
              data-testid="orders-tab-open"
              label={
                <Badge badgeContent={openOrders.length} color="primary" max={999} sx={{ pr: 1.5 }}>
                  Open
                </Badge>
              }
            />
            <Tab value="history" label="History" data-testid="orders-tab-history" />
          </Tabs>
          <Box sx={{ flexGrow: 1 }} />
          <TextField
            select
            label="Market"
            value={market}
            onChange={(e) => update({ market: e.target.value })}
            sx={{ minWidth: 120 }}
            slotProps={{
              htmlInput: { "data-testid": "orders-filter-market" },
              inputLabel: { shrink: true },
              select: { displayEmpty: true },
            }}
          >
            <MenuItem value="">All</MenuItem>
            <MenuItem value="SPOT">Spot</MenuItem>
            <MenuItem value="USDM">USD-M</MenuItem>
          </TextField>
          <TextField
            label="Symbol"
            value={symbol}
            onChange={(e) => update({ symbol: e.target.value.toUpperCase().replace(/[^A-Z0-9]/g, "") })}
            sx={{ width: 130 }}
            slotProps={{ htmlInput: { "data-testid": "orders-filter-symbol", spellCheck: false } }}
          />
          {tab === "history" && (
            <>
              <TextField
                select
                label="Status"
                value={status}
                onChange={(e) => update({ status: e.target.value === "all" ? "all" : "" })}
                sx={{ minWidth: 120 }}
              >
                <MenuItem value="closed">Finished</MenuItem>
                <MenuItem value="all">All</MenuItem>
              </TextField>
              <TextField
                label="Since"
                type="datetime-local"
                value={since}
                onChange={(e) => update({ since: e.target.value })}
                slotProps={{ inputLabel: { shrink: true }, htmlInput: { "data-testid": "orders-filter-since" } }}
              />
            </>
          )}
        </Stack>
        {!accountLive && tab === "open" && open.data && (
          <Stack direction="row" spacing={1} sx={{ alignItems: "center", px: 1.5, pt: 1 }}>
            <Typography variant="caption" color="text.secondary">
              Live order updates paused; refreshing every 5 s (last {ageLabel(ageMs)} ago).
            </Typography>
            <StaleBadge ageMs={ageMs} />
          </Stack>
        )}
        <Box sx={{ p: 0.5 }}>
          {tab === "open" ? (
            <>
              {open.isError && (
                <Alert severity="error" sx={{ m: 1 }}>
                  Open orders could not be loaded: {open.error.message}
                </Alert>
              )}
              {open.data && <OpenOrdersTable orders={openOrders} onOpen={openOrder} />}
              {open.isPending && (
                <Typography variant="body2" color="text.secondary" sx={{ p: 2 }}>
                  Loading open orders…
                </Typography>
              )}
            </>
          ) : (
            <>
              {history.isError && (
                <Alert severity="error" sx={{ m: 1 }}>
                  Order history could not be loaded: {history.error.message}
                </Alert>
              )}
              <OrderHistoryTable
                page={history.data}
                pageIndex={pageIndex}
                pageSize={pageSize}
                onPage={(index) => update({ page: index > 0 ? String(index + 1) : "" })}
                onPageSize={(size) => update({ size: size === 50 ? "" : String(size) })}
                onOpen={openOrder}
              />
            </>
          )}
        </Box>
      </Paper>
      {cancelAllOpen && (
        <CancelAllDialog open={cancelAllOpen} onClose={() => setCancelAllOpen(false)} orders={openOrders} />
      )}
      <OrderDetailDrawer
        orderId={orderId}
        onClose={() => navigate({ pathname: "/orders", search: location.search })}
      />
    </Box>
  );
}
