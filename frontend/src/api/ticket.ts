import { api } from "./client";
import type { Market } from "./market";
import type { Price, Quantity } from "../types/money";

/**
 * Placing orders: `POST /api/orders/` (apps/orders/api/serializers.py). Decimals travel as strings; a
 * field left out (not null, not "") is a field not given. The server answers 202 with the order it
 * recorded PENDING_NEW, or 200 with the order an already used Idempotency-Key names.
 */

export type Side = "BUY" | "SELL";
export type TimeInForce = "GTC" | "IOC" | "FOK";
export type PositionSide = "BOTH" | "LONG" | "SHORT";
export type WorkingType = "CONTRACT_PRICE" | "MARK_PRICE";

export type SpotOrderType =
  | "LIMIT"
  | "MARKET"
  | "LIMIT_MAKER"
  | "STOP_LOSS"
  | "STOP_LOSS_LIMIT"
  | "TAKE_PROFIT"
  | "TAKE_PROFIT_LIMIT";

export type FuturesOrderType =
  | "LIMIT"
  | "MARKET"
  | "STOP"
  | "STOP_MARKET"
  | "TAKE_PROFIT"
  | "TAKE_PROFIT_MARKET"
  | "TRAILING_STOP_MARKET";

export interface OrderPlaceRequest {
  market: Market;
  symbol: string;
  side: Side;
  type: SpotOrderType | FuturesOrderType;
  quantity?: Quantity;
  quote_quantity?: Price;
  price?: Price;
  stop_price?: Price;
  callback_rate?: string;
  activation_price?: Price;
  time_in_force?: TimeInForce;
  post_only?: boolean;
  reduce_only?: boolean;
  position_side?: PositionSide;
  working_type?: WorkingType;
}

export type OcoLegType = "LIMIT_MAKER" | "STOP_LOSS" | "STOP_LOSS_LIMIT" | "TAKE_PROFIT" | "TAKE_PROFIT_LIMIT";

export interface OcoLeg {
  type: OcoLegType;
  price?: Price;
  stop_price?: Price;
  time_in_force?: TimeInForce;
}

/** A spot OCO: one quantity and side, one leg above the market and one below. */
export interface OcoPlaceRequest {
  market: "SPOT";
  symbol: string;
  side: Side;
  type: "OCO";
  quantity: Quantity;
  above: OcoLeg;
  below: OcoLeg;
}

export type PlaceRequest = OrderPlaceRequest | OcoPlaceRequest;

/** The order as the API renders it (OrderOutputSerializer); the fields the ticket reads. */
export interface PlacedOrder {
  id: number;
  client_order_id: string;
  market: Market;
  symbol: string;
  side: Side;
  type: string;
  status: string;
  quantity: Quantity | null;
  quote_quantity: Price | null;
  price: Price | null;
  stop_price: Price | null;
  executed_quantity: Quantity | null;
  average_price: Price | null;
  reject_reason?: string;
  reject_explanation?: string;
  created_at: string;
  updated_at: string;
}

export interface PlacedOrderList {
  list_client_order_id: string;
  contingency_type: string;
  orders: PlacedOrder[];
}

/** The orders a placement created (one, or both legs of an OCO). */
export function placedOrders(result: PlacedOrder | PlacedOrderList): PlacedOrder[] {
  return "orders" in result ? result.orders : [result];
}

export const IDEMPOTENCY_HEADER = "Idempotency-Key";

/** A fresh key per ticket submission (the server takes at most 64 characters). */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return `tkt-${c.randomUUID()}`;
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  return `tkt-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export function placeOrder(request: PlaceRequest, idempotencyKey: string): Promise<PlacedOrder | PlacedOrderList> {
  return api.post<PlacedOrder | PlacedOrderList>("/api/orders/", request, {
    headers: { [IDEMPOTENCY_HEADER]: idempotencyKey },
  });
}
