import type { CandlestickData, HistogramData, SeriesMarker, UTCTimestamp } from "lightweight-charts";
import { compare } from "../lib/decimal";
import type { Price, Quantity } from "../types/money";

/** One OHLC bar. Prices are decimal strings as delivered by the API; `time` is epoch seconds (UTC). */
export interface Candle {
  time: number;
  open: Price;
  high: Price;
  low: Price;
  close: Price;
  /** Base-asset volume, when known (drawn as the volume pane). */
  volume?: Quantity;
}

/** A horizontal line at a price (e.g. one of our open orders). */
export interface ChartPriceLine {
  id: string;
  price: Price;
  title: string;
  color: string;
  dashed?: boolean;
}

/** A marker on a bar (e.g. one of our fills). `time` must be a bar's open time. */
export interface ChartMarker {
  id: string;
  time: number;
  side: "BUY" | "SELL";
  text: string;
}

/** The only place prices become numbers: for drawing, never for arithmetic. */
export function toChartData(candles: readonly Candle[]): CandlestickData<UTCTimestamp>[] {
  return candles.map(toBar);
}

export function toBar(c: Candle): CandlestickData<UTCTimestamp> {
  return {
    time: c.time as UTCTimestamp,
    open: Number(c.open),
    high: Number(c.high),
    low: Number(c.low),
    close: Number(c.close),
  };
}

/** Volume bars, coloured like their candle (a close at or above the open is "up"). */
export function toVolumeBar(c: Candle, up: string, down: string): HistogramData<UTCTimestamp> {
  return {
    time: c.time as UTCTimestamp,
    value: c.volume === undefined ? 0 : Number(c.volume),
    color: compare(c.close, c.open) >= 0 ? up : down,
  };
}

export function toMarkers(markers: readonly ChartMarker[], up: string, down: string): SeriesMarker<UTCTimestamp>[] {
  return [...markers]
    .sort((a, b) => a.time - b.time)
    .map((m) => ({
      time: m.time as UTCTimestamp,
      position: m.side === "BUY" ? "belowBar" : "aboveBar",
      shape: m.side === "BUY" ? "arrowUp" : "arrowDown",
      color: m.side === "BUY" ? up : down,
      text: m.text,
    }));
}

/**
 * How to bring the chart from the series it shows to the next one. Live updates change the newest
 * bar or add one; redrawing everything on every trade would flicker and cost O(n) per message, so
 * those become `update` calls. Anything else (new symbol, interval, refetched history) is `set`.
 * Unchanged bars are recognised by identity: the merge keeps the objects it did not touch.
 */
export type ChartPlan = { kind: "none" } | { kind: "set" } | { kind: "update"; bars: Candle[] };

export function planChartUpdate(previous: readonly Candle[] | null, next: readonly Candle[]): ChartPlan {
  if (previous === next) return { kind: "none" };
  if (!previous || previous.length === 0 || next.length === 0) return { kind: "set" };
  const grown = next.length - previous.length;
  if (grown !== 0 && grown !== 1) return { kind: "set" };
  const stable = previous.length - 1; // every bar before the previous newest must be untouched
  for (let i = 0; i < stable; i += 1) {
    if (next[i] !== previous[i]) return { kind: "set" };
  }
  const lastPrev = previous[stable];
  const sameLast = next[stable];
  if (!lastPrev || !sameLast || sameLast.time !== lastPrev.time) return { kind: "set" };
  const bars = next.slice(stable).filter((bar, i) => i > 0 || bar !== lastPrev);
  return bars.length === 0 ? { kind: "none" } : { kind: "update", bars };
}
