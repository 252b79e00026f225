import type { Candle, ChartMarker, ChartPriceLine } from "../../../components/chartData";
import { add, formatDecimal, isDecimal, normalize } from "../../../lib/decimal";
import type { Order } from "../../../api/orders";
import type { OwnTrade } from "../queries";

/**
 * Our own activity drawn over the candles: each open order as a price line (its limit price, or its
 * trigger when it has no limit), each fill as a marker on the bar it happened in.
 */

export function orderLines(orders: readonly Order[], up: string, down: string): ChartPriceLine[] {
  const lines: ChartPriceLine[] = [];
  for (const order of orders) {
    const price = order.price ?? order.stop_price ?? order.activation_price;
    if (!price) continue;
    const qty = order.quantity ? ` ${formatDecimal(order.quantity)}` : "";
    const trigger = !order.price && order.stop_price ? " stop" : "";
    lines.push({
      id: String(order.id),
      price,
      title: `${order.side === "BUY" ? "Buy" : "Sell"}${qty}${trigger}`,
      color: order.side === "BUY" ? up : down,
      dashed: !order.price,
    });
  }
  return lines;
}

/**
 * Fills on the bars on screen, one marker per bar and side (a bar with ten partial fills gets one
 * arrow, its text the total quantity). A fill's time is floored to its bar's open time; fills before
 * the first bar or after the newest are left out (there is no bar to hang them on).
 */
export function fillMarkers(trades: readonly OwnTrade[], series: readonly Candle[], intervalSeconds: number): ChartMarker[] {
  const first = series[0]?.time;
  const last = series.at(-1)?.time;
  if (first === undefined || last === undefined) return [];
  const byBar = new Map<string, { time: number; side: "BUY" | "SELL"; quantity: string; count: number }>();
  for (const trade of trades) {
    const ms = Date.parse(trade.trade_time);
    if (!Number.isFinite(ms) || trade.side === null || !isDecimal(trade.quantity)) continue;
    const seconds = Math.floor(ms / 1000);
    const bar = seconds - (seconds % intervalSeconds);
    if (bar < first || bar > last) continue;
    const key = `${bar}:${trade.side}`;
    const seen = byBar.get(key);
    if (seen) {
      seen.quantity = add(seen.quantity, trade.quantity);
      seen.count += 1;
    } else byBar.set(key, { time: bar, side: trade.side, quantity: trade.quantity, count: 1 });
  }
  return [...byBar.entries()].map(([key, m]) => ({
    id: key,
    time: m.time,
    side: m.side,
    text: `${m.side === "BUY" ? "B" : "S"} ${formatDecimal(normalize(m.quantity))}${m.count > 1 ? ` (${m.count})` : ""}`,
  }));
}
