import type { EquityPoint } from "../../api/portfolio";
import { isDecimal, toNumber } from "../../lib/decimal";

/**
 * Chart rows from equity points: epoch seconds of the bucket start, equity as a number (the chart
 * needs numbers; nothing computed from them is sent anywhere). Sorted, one row per second, bad
 * values skipped, as lightweight-charts requires strictly increasing times.
 */
export function equitySeriesData(points: EquityPoint[]): { time: number; value: number }[] {
  const bySecond = new Map<number, number>();
  for (const p of points) {
    const ms = Date.parse(p.time);
    if (Number.isNaN(ms) || !isDecimal(p.equity)) continue;
    bySecond.set(Math.floor(ms / 1000), toNumber(p.equity));
  }
  return [...bySecond.entries()].sort(([a], [b]) => a - b).map(([time, value]) => ({ time, value }));
}
