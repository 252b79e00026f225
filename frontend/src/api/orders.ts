import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "./client";
import type { Money, Price, Quantity } from "../types/money";
import type { Market } from "./market";

/**
 * Orders over REST (apps/orders/api): list (open / history, paged), one order with its fills and
 * event timeline, cancel, cancel all, modify. Every amount is a decimal string.
 */

export type OrderMarket = Market;
export type OrderStatus =
  | "PENDING_NEW"
  | "NEW"
  | "PARTIALLY_FILLED"
  | "FILLED"
  | "PENDING_CANCEL"
  | "CANCELED"
  | "REJECTED"
  | "EXPIRED"
  | "EXPIRED_IN_MATCH"
  | "UNKNOWN";

/** OrderOutputSerializer. */
export interface Order {
  id: number;
  client_order_id: string;
  market: OrderMarket;
  symbol: string;
  side: "BUY" | "SELL";
  type: string;
  time_in_force: string;
  quantity: Quantity | null;
  quote_quantity: Money | null;
  price: Price | null;
  stop_price: Price | null;
  trailing_delta: number | null;
  callback_rate: string | null;
  activation_price: Price | null;
  reduce_only: boolean;
  close_position: boolean;
  position_side: string;
  working_type: string;
  status: OrderStatus;
  reject_code: number | null;
  reject_reason: string;
  reject_explanation: string;
  list_client_order_id: string;
  contingency_type: string;
  exchange_order_id: number | null;
  exchange_algo_id: number | null;
  exchange_status: string;
  executed_quantity: Quantity | null;
  cumulative_quote: Money | null;
  average_price: Price | null;
  created_at: string;
  updated_at: string;
  /** Placed outside the platform with our key and adopted by reconciliation or the user stream. */
  external?: boolean;
}

/** FillOutputSerializer. */
export interface Fill {
  exchange_trade_id: number;
  price: Price;
  quantity: Quantity;
  quote_quantity: Money;
  commission: Money;
  commission_asset: string;
  is_maker: boolean;
  realized_pnl: Money | null;
  trade_time: string;
}

export type OrderEventSource = "api" | "task" | "stream" | "reconcile";

/** OrderEventOutputSerializer: one step of the order's state machine. */
export interface OrderEvent {
  from_status: string;
  to_status: string;
  event: string;
  source: OrderEventSource | string;
  payload: Record<string, unknown>;
  created_at: string;
}

export interface OrderDetail extends Order {
  fills: Fill[];
  events: OrderEvent[];
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

const FINAL_STATUSES: ReadonlySet<string> = new Set(["FILLED", "CANCELED", "REJECTED", "EXPIRED", "EXPIRED_IN_MATCH"]);
const CANCELABLE_STATUSES: ReadonlySet<string> = new Set(["NEW", "PARTIALLY_FILLED"]);
const MODIFIABLE_TYPES: ReadonlySet<string> = new Set(["LIMIT", "LIMIT_MAKER"]);

/** The order will not change any more (apps/orders/domain/state.py TERMINAL). */
export function isFinalStatus(status: string): boolean {
  return FINAL_STATUSES.has(status);
}

/** The server accepts a cancel only once the exchange has acknowledged the order. */
export function isCancelable(order: Pick<Order, "status">): boolean {
  return CANCELABLE_STATUSES.has(order.status);
}

/** Resting limit orders can have their price or quantity changed (apps/orders/modify.py). */
export function isModifiable(order: Pick<Order, "status" | "type">): boolean {
  return CANCELABLE_STATUSES.has(order.status) && MODIFIABLE_TYPES.has(order.type);
}

export function isExternal(order: Order | OrderDetail): boolean {
  if (order.external) return true;
  // The serializer may not expose the flag; adoption records it on the order's first event.
  const events = (order as Partial<OrderDetail>).events;
  return Array.isArray(events) && events.some((e) => e.payload?.external === true);
}

function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export interface OpenOrdersFilter {
  market?: OrderMarket;
  symbol?: string;
}

/** The open-orders table shows every open order at once; the server's page cap bounds it. */
export const OPEN_ORDERS_PAGE_SIZE = 500;

export function fetchOrders(params: {
  status?: "open" | "closed";
  market?: OrderMarket;
  symbol?: string;
  since?: string;
  page?: number;
  page_size?: number;
}): Promise<Page<Order>> {
  return api.get<Page<Order>>(`/api/orders/${query(params)}`);
}

export function useOpenOrders(filter: OpenOrdersFilter = {}, options: { refetchInterval?: number | false } = {}) {
  const market = filter.market ?? null;
  const symbol = filter.symbol?.toUpperCase() ?? null;
  return useQuery({
    queryKey: ["orders", "open", { market, symbol }],
    queryFn: () =>
      fetchOrders({
        status: "open",
        market: market ?? undefined,
        symbol: symbol ?? undefined,
        page_size: OPEN_ORDERS_PAGE_SIZE,
      }),
    select: (page: Page<Order>) => page.results,
    refetchInterval: options.refetchInterval ?? false,
  });
}

export interface OrderHistoryParams {
  market?: OrderMarket;
  symbol?: string;
  /** "closed" (the default) for finished orders; "all" for every order. */
  status?: "closed" | "all";
  /** ISO 8601 time: orders created from then on. */
  since?: string;
  page?: number;
  pageSize?: number;
}

export function useOrderHistory(params: OrderHistoryParams = {}, options: { enabled?: boolean } = {}) {
  const key = {
    market: params.market ?? null,
    symbol: params.symbol?.toUpperCase() || null,
    status: params.status ?? "closed",
    since: params.since || null,
    page: params.page ?? 1,
    pageSize: params.pageSize ?? 50,
  };
  return useQuery({
    queryKey: ["orders", "history", key],
    queryFn: () =>
      fetchOrders({
        status: key.status === "all" ? undefined : "closed",
        market: key.market ?? undefined,
        symbol: key.symbol ?? undefined,
        since: key.since ?? undefined,
        page: key.page,
        page_size: key.pageSize,
      }),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}

export function fetchOrder(id: number | string): Promise<OrderDetail> {
  return api.get<OrderDetail>(`/api/orders/${encodeURIComponent(String(id))}/`);
}

/**
 * One order with fills and events. While it is not final it is polled (every 2 s by default) as a
 * backstop to the account events that normally refresh it.
 */
export function useOrder(id: number | string | null | undefined, options: { pollMs?: number } = {}) {
  const pollMs = options.pollMs ?? 2_000;
  return useQuery({
    queryKey: ["order", id === null || id === undefined ? null : String(id)],
    queryFn: () => fetchOrder(id as number | string),
    enabled: id !== null && id !== undefined && String(id) !== "",
    refetchInterval: (q) => {
      const data = q.state.data;
      return data && isFinalStatus(data.status) ? false : pollMs;
    },
  });
}

/** POST /api/orders/{id}/cancel/: 202 with the order now PENDING_CANCEL; 409 when it cannot be canceled. */
export function cancelOrder(id: number): Promise<Order> {
  return api.post<Order>(`/api/orders/${id}/cancel/`);
}

/** POST /api/orders/cancel-all/: every open order of the platform, or of one market and/or symbol. */
export function cancelAll(scope: { market?: OrderMarket; symbol?: string } = {}): Promise<Order[]> {
  const body: Record<string, string> = {};
  if (scope.market) body.market = scope.market;
  if (scope.symbol) body.symbol = scope.symbol.toUpperCase();
  return api.post<Order[]>("/api/orders/cancel-all/", body);
}

/**
 * PATCH /api/orders/{id}/ with a new price and/or quantity. A spot change other than a smaller
 * quantity cancels and replaces the order: the order returned may be a new one.
 */
export function modifyOrder(id: number, changes: { price?: Price; quantity?: Quantity }): Promise<Order> {
  const body: Record<string, string> = {};
  if (changes.price !== undefined) body.price = changes.price;
  if (changes.quantity !== undefined) body.quantity = changes.quantity;
  return api.patch<Order>(`/api/orders/${id}/`, body);
}
