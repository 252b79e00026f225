import { useQuery } from "@tanstack/react-query";
import { api } from "./client";
import { div, isDecimal, isNegative, isZero, mul, normalize, sub } from "../lib/decimal";
import type { DecimalString, Money, Price, Quantity } from "../types/money";
import type { Balance } from "./balances";
import type { Market } from "./market";

// One definition each: the balance row and the market names live with the API modules that own them.
export type { Balance, Market };

/**
 * Balances and USD-M positions (apps/positions/api), and the reduce-only orders that close or
 * reduce a position (POST /api/orders/, apps/orders/api/serializers.py OrderPlaceInputSerializer).
 */

export type PositionSide = "BOTH" | "LONG" | "SHORT";

/** `GET /api/positions/` row (PositionOutputSerializer): USD-M only. `quantity` is signed. */
export interface Position {
  symbol: string;
  position_side: PositionSide;
  quantity: Quantity;
  entry_price: Price | null;
  break_even_price: Price | null;
  mark_price: Price | null;
  unrealized_pnl: Money | null;
  notional: Money | null;
  leverage: number | null;
  /** "cross" or "isolated" */
  margin_type: string;
  isolated_margin: Money | null;
  initial_margin: Money | null;
  maint_margin: Money | null;
  liquidation_price: Price | null;
  margin_ratio: DecimalString | null;
  updated_at: string;
  exchange_update_time: string | null;
}

/** The order the Close / Reduce buttons send (a subset of OrderPlaceInputSerializer). */
export interface ReduceOrderRequest {
  market: "USDM";
  symbol: string;
  side: "BUY" | "SELL";
  type: "MARKET";
  quantity: Quantity;
  reduce_only?: boolean;
  position_side?: PositionSide;
}

/** The fields of OrderOutputSerializer the result line shows. */
export interface PlacedOrder {
  id: number;
  client_order_id: string;
  symbol: string;
  side: string;
  type: string;
  quantity: Quantity | null;
  status: string;
  reduce_only: boolean;
  position_side: string;
  reject_reason: string;
  executed_quantity: Quantity | null;
  average_price: Price | null;
}

export function fetchPositions(): Promise<Position[]> {
  return api.get<Position[]>("/api/positions/");
}

export function fetchBalances(): Promise<Balance[]> {
  return api.get<Balance[]>("/api/balances/");
}

export function usePositions() {
  return useQuery({ queryKey: ["positions"], queryFn: fetchPositions, refetchInterval: 30_000 });
}

export function useBalances() {
  return useQuery({ queryKey: ["balances"], queryFn: fetchBalances, refetchInterval: 30_000 });
}

/** Row key used by tests and Playwright: `position-row-USDM-BTCUSDT-BOTH`. */
export function positionKey(p: Pick<Position, "symbol" | "position_side">): string {
  return `USDM-${p.symbol}-${p.position_side}`;
}

/**
 * The market order that takes `quantity` off the position. One-way mode (side BOTH) sends
 * `reduce_only`; hedge mode names the position side instead, because Binance refuses the
 * reduceOnly flag there (apps/risk README: "Binance takes no reduceOnly flag in hedge mode").
 */
export function reduceOrderFor(position: Pick<Position, "symbol" | "position_side" | "quantity">, quantity: Quantity): ReduceOrderRequest {
  const long = position.position_side === "LONG" || (position.position_side === "BOTH" && !position.quantity.startsWith("-"));
  const order: ReduceOrderRequest = {
    market: "USDM",
    symbol: position.symbol,
    side: long ? "SELL" : "BUY",
    type: "MARKET",
    quantity,
  };
  if (position.position_side === "BOTH") order.reduce_only = true;
  else order.position_side = position.position_side;
  return order;
}

export function placeReduceOrder(order: ReduceOrderRequest): Promise<PlacedOrder> {
  return api.post<PlacedOrder>("/api/orders/", order);
}

/** Full size of a position as a positive quantity (what Close sends). */
export function closeQuantity(position: Pick<Position, "quantity">): Quantity {
  return abs(position.quantity);
}

/** |value| as a decimal string. */
export function abs(value: DecimalString): DecimalString {
  const n = normalize(value);
  return isNegative(n) ? n.slice(1) : n;
}

/**
 * Unrealized P&L at `mark`, the backend's formula (apps/positions/domain/pnl.py `unrealized_pnl`):
 * signed quantity × (mark − entry). Positive quantity is long, negative short.
 */
export function unrealizedPnl(quantity: Quantity, entry: Price, mark: Price): Money {
  if (isZero(quantity)) return "0";
  return mul(quantity, sub(mark, entry));
}

/** |quantity| × mark. */
export function notionalAt(quantity: Quantity, mark: Price): Money {
  return mul(abs(quantity), mark);
}

/**
 * ROE % as Binance shows it: unrealized P&L over the initial margin (notional at mark / leverage),
 * with 2 decimals. Falls back to the stored initial margin when the leverage is unknown; null
 * when there is no margin to divide by.
 */
export function roePct(pnl: Money, quantity: Quantity, mark: Price, leverage: number | null, initialMargin: Money | null): DecimalString | null {
  let margin: Money | null = null;
  if (leverage && leverage > 0) margin = div(notionalAt(quantity, mark), String(leverage), 8);
  else if (initialMargin && isDecimal(initialMargin)) margin = initialMargin;
  if (margin === null || isZero(margin)) return null;
  return div(mul(pnl, "100"), margin, 2, "nearest");
}

/** The live figures of one position row: a stream mark when there is one, else the stored one. */
export interface LiveFigures {
  mark: Price | null;
  pnl: Money | null;
  roe: DecimalString | null;
  notional: Money | null;
  live: boolean;
}

export function liveFigures(position: Position, streamMark: Price | null): LiveFigures {
  const mark = streamMark && isDecimal(streamMark) ? streamMark : position.mark_price;
  const entry = position.entry_price;
  if (!mark || !isDecimal(mark) || !entry || !isDecimal(entry) || !isDecimal(position.quantity)) {
    return { mark, pnl: position.unrealized_pnl, roe: null, notional: position.notional, live: false };
  }
  const pnl = unrealizedPnl(position.quantity, entry, mark);
  return {
    mark,
    pnl,
    roe: roePct(pnl, position.quantity, mark, position.leverage, position.initial_margin),
    notional: notionalAt(position.quantity, mark),
    live: streamMark !== null,
  };
}

/** The mark price carried by a `usdm.<symbol>.markprice` frame (`{"p", "i", "r", "T"}`). */
export function markFromFrame(data: unknown): Price | null {
  if (!data || typeof data !== "object") return null;
  const record = data as Record<string, unknown>;
  // The socket delivers the normalized message `{"stream", "E", "data": {"p", ...}}`; accept the
  // inner object too so either unwrapping of the frame works.
  const inner = record.data && typeof record.data === "object" ? (record.data as Record<string, unknown>) : record;
  const p = inner.p;
  return typeof p === "string" && isDecimal(p) ? p : null;
}

interface SymbolFiltersSubset {
  filters?: {
    quantity?: { step: string | null } | null;
    market_quantity?: { step: string | null } | null;
  };
}

/**
 * The lot step a MARKET order on a USD-M symbol must respect (MARKET_LOT_SIZE, else LOT_SIZE),
 * from `GET /api/symbols/USDM/<symbol>/`. The query caches the raw detail under the shared
 * ["symbol", market, symbol] key; `select` picks the step.
 */
export function useMarketStep(symbol: string | null) {
  return useQuery({
    queryKey: ["symbol", "USDM", symbol],
    queryFn: () => api.get<SymbolFiltersSubset>(`/api/symbols/USDM/${encodeURIComponent(symbol ?? "")}/`),
    enabled: symbol !== null,
    staleTime: 5 * 60_000,
    select: (detail: SymbolFiltersSubset): string | null => {
      const market = detail.filters?.market_quantity?.step;
      const lot = detail.filters?.quantity?.step;
      for (const step of [market, lot]) if (step && isDecimal(step) && !isZero(step)) return step;
      return null;
    },
  });
}
