import { add, compare, div, isZero, mul, normalize, roundToStep, sub } from "../../../lib/decimal";
import type { DepthData } from "../../../api/market";
import { plainDecimal } from "../wire";

/**
 * Order book levels for display: grouped to a multiple of the tick (bids down, asks up, as Binance
 * does, so a grouped level never looks better than the orders in it), with running totals from the
 * best price outward, plus spread and mid price. Decimal strings throughout; numbers only for widths.
 */

export interface BookLevel {
  price: string;
  quantity: string;
  /** Cumulative quantity from the best level to this one, inclusive. */
  total: string;
}

export interface AggregatedBook {
  /** Best (lowest) first. */
  asks: BookLevel[];
  /** Best (highest) first. */
  bids: BookLevel[];
  bestBid: string | null;
  bestAsk: string | null;
  spread: string | null;
  /** Spread as a percentage of the mid price, up to 6 decimals. */
  spreadPct: string | null;
  mid: string | null;
  /** The largest running total on either side (bar widths are relative to it). */
  maxTotal: string;
}

type Level = [string, string];

function cleanLevels(rows: unknown): Level[] {
  if (!Array.isArray(rows)) return [];
  const out: Level[] = [];
  for (const row of rows) {
    if (!Array.isArray(row)) continue;
    const price = plainDecimal(row[0]);
    const qty = plainDecimal(row[1]);
    if (price === null || qty === null || isZero(qty) || compare(price, "0") <= 0) continue;
    out.push([price, qty]);
  }
  return out;
}

function group(levels: Level[], step: string, side: "bid" | "ask", limit: number): BookLevel[] {
  const sorted = [...levels].sort((a, b) => (side === "bid" ? compare(b[0], a[0]) : compare(a[0], b[0])));
  const merged: { price: string; quantity: string }[] = [];
  for (const [price, qty] of sorted) {
    const grouped = roundToStep(price, step, side === "bid" ? "down" : "up");
    const last = merged.at(-1);
    if (last && last.price === grouped) last.quantity = add(last.quantity, qty);
    else {
      if (merged.length === limit) break;
      merged.push({ price: grouped, quantity: qty });
    }
  }
  let running = "0";
  return merged.map((level) => {
    running = add(running, level.quantity);
    return { ...level, total: running };
  });
}

/** Group sizes offered for a tick: 1, 10, 100 and 1000 ticks. */
export function groupingOptions(tick: string): string[] {
  return ["1", "10", "100", "1000"].map((n) => roundToStep(mul(tick, n), tick, "nearest"));
}

export function aggregateBook(depth: Pick<DepthData, "bids" | "asks"> | null, step: string, limit: number): AggregatedBook {
  const bids = cleanLevels(depth?.bids);
  const asks = cleanLevels(depth?.asks);
  const groupedBids = group(bids, step, "bid", limit);
  const groupedAsks = group(asks, step, "ask", limit);
  const bestBid = bids.reduce<string | null>((best, [p]) => (best === null || compare(p, best) > 0 ? p : best), null);
  const bestAsk = asks.reduce<string | null>((best, [p]) => (best === null || compare(p, best) < 0 ? p : best), null);
  let spread: string | null = null;
  let spreadPct: string | null = null;
  let mid: string | null = null;
  if (bestBid !== null && bestAsk !== null) {
    spread = sub(bestAsk, bestBid);
    const sum = add(bestAsk, bestBid);
    // One more decimal than either price carries keeps the mid exact for any pair of ticks.
    const scale = Math.max(decimals(bestBid), decimals(bestAsk)) + 1;
    mid = normalize(div(sum, "2", scale, "nearest"));
    spreadPct = normalize(div(mul(spread, "100"), mid, 6, "nearest"));
  }
  const lastTotal = (levels: BookLevel[]) => levels.at(-1)?.total ?? "0";
  const maxTotal = compare(lastTotal(groupedBids), lastTotal(groupedAsks)) >= 0 ? lastTotal(groupedBids) : lastTotal(groupedAsks);
  return { asks: groupedAsks, bids: groupedBids, bestBid, bestAsk, spread, spreadPct, mid, maxTotal };
}

function decimals(value: string): number {
  const dot = value.indexOf(".");
  return dot === -1 ? 0 : value.length - dot - 1;
}
