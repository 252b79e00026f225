import { compare, div, formatDecimal, isDecimal, isZero, mul, normalize } from "../../lib/decimal";
import type { Order } from "../../api/orders";

/** A decimal string for a table: trailing zeros dropped, thousands grouped; "—" when absent. */
export function fmtAmount(value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  return isDecimal(value) ? formatDecimal(normalize(value), { group: true }) : value;
}

/** Local date and time to the second, e.g. "2026-11-25 14:03:07". */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Share of the order filled, in percent with no decimals ("40"); null when the size is unknown. */
export function filledPercent(order: Pick<Order, "quantity" | "executed_quantity">): string | null {
  const qty = order.quantity;
  const done = order.executed_quantity;
  if (!qty || !done || !isDecimal(qty) || !isDecimal(done) || isZero(qty)) return null;
  return div(mul(done, "100"), qty, 0, "down");
}

/** The price column: the limit price, else the stop price, else the average fill (market orders). */
export function displayPrice(order: Order): string {
  if (order.price && isDecimal(order.price) && !isZero(order.price)) return fmtAmount(order.price);
  if (order.stop_price && isDecimal(order.stop_price) && !isZero(order.stop_price)) return `stop ${fmtAmount(order.stop_price)}`;
  if (order.average_price && isDecimal(order.average_price) && !isZero(order.average_price)) return `avg ${fmtAmount(order.average_price)}`;
  return "Market";
}

/** Positive decimal check for the inline edit fields. */
export function isPositiveDecimal(value: string): boolean {
  return isDecimal(value) && compare(value, "0") > 0;
}

export function humanStatus(status: string): string {
  return status.replace(/_/g, " ").toLowerCase();
}
