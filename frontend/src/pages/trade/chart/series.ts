import { isDecimal } from "../../../lib/decimal";
import type { KlineData, KlineRow } from "../../../api/market";
import type { Candle } from "../../../components/chartData";

/**
 * The candle series of the chart: history from REST, then the live candle from the kline stream.
 *
 * A stream message either updates the newest candle (same open time), appends the next one, or is
 * older than what we hold (ignored, or corrects a bar we already have). When a message opens a candle
 * further ahead than the next one, candles are missing in between: the chart must not draw a gap as
 * if nothing traded, so `mergeKline` reports it and the caller refetches history.
 */

/** REST row → candle (time in epoch seconds, values still decimal strings). */
export function candleFromRow(row: KlineRow): Candle {
  return {
    time: Math.floor(row.open_time / 1000),
    open: row.open,
    high: row.high,
    low: row.low,
    close: row.close,
    volume: row.volume,
  };
}

/** Stream kline → candle, or null when the message is malformed (never drawn). */
export function candleFromKline(k: KlineData): Candle | null {
  const openMs = Number(k.t);
  const values = [k.o, k.h, k.l, k.c, k.v];
  if (!Number.isFinite(openMs) || !values.every((v) => typeof v === "string" && isDecimal(v))) return null;
  return { time: Math.floor(openMs / 1000), open: k.o, high: k.h, low: k.l, close: k.c, volume: k.v };
}

export type MergeResult =
  | { kind: "updated" | "appended" | "corrected"; series: Candle[] }
  | { kind: "ignored"; series: Candle[] }
  | { kind: "gap"; series: Candle[] };

/**
 * Merge one live candle into a series ordered by time. `intervalSeconds` is the candle length; a
 * candle opening more than one interval after the newest is a gap. Never mutates `series`.
 */
export function mergeKline(series: readonly Candle[], candle: Candle, intervalSeconds: number): MergeResult {
  const last = series.at(-1);
  if (!last) return { kind: "appended", series: [candle] };
  if (candle.time === last.time) {
    return { kind: "updated", series: [...series.slice(0, -1), candle] };
  }
  if (candle.time > last.time) {
    if (candle.time - last.time > intervalSeconds) return { kind: "gap", series: [...series] };
    return { kind: "appended", series: [...series, candle] };
  }
  // Older than the newest bar: a closed candle replayed (e.g. a backfill after the stream reconnected)
  // replaces the bar with the same open time; anything else is not ours to draw.
  const index = series.findIndex((c) => c.time === candle.time);
  if (index === -1) return { kind: "ignored", series: [...series] };
  const next = [...series];
  next[index] = candle;
  return { kind: "corrected", series: next };
}

/** Keep at most `max` newest candles (the live series grows by one per interval). */
export function capSeries(series: readonly Candle[], max: number): Candle[] {
  return series.length > max ? series.slice(series.length - max) : [...series];
}

/**
 * The chart's series over time: REST history, then live candles. Frames that arrive before the
 * history (or while it is being refetched after a gap) wait in `pending` and are replayed onto it,
 * so nothing received is lost across a refetch. `refetches` counts gaps: when it grows, the caller
 * fetches history again.
 */
export interface LiveSeries {
  history: readonly Candle[] | null;
  series: Candle[];
  pending: Candle[];
  refetches: number;
}

export const EMPTY_LIVE_SERIES: LiveSeries = { history: null, series: [], pending: [], refetches: 0 };

const MAX_PENDING = 50;

export type LiveAction = { type: "history"; candles: readonly Candle[] } | { type: "kline"; candle: Candle };

export function liveSeriesReducer(state: LiveSeries, action: LiveAction, intervalSeconds: number): LiveSeries {
  if (action.type === "history") {
    let series = [...action.candles];
    let gap = false;
    for (const candle of state.pending) {
      const result = mergeKline(series, candle, intervalSeconds);
      if (result.kind === "gap") gap = true;
      else series = result.series;
    }
    // History older than the live candles we hold: ask again (its cache may have been behind).
    return { history: action.candles, series, pending: state.pending, refetches: state.refetches + (gap && state.history === null ? 1 : 0) };
  }
  const pending = [...state.pending, action.candle].slice(-MAX_PENDING);
  if (state.history === null) return { ...state, pending };
  const result = mergeKline(state.series, action.candle, intervalSeconds);
  if (result.kind === "gap") return { ...state, pending, refetches: state.refetches + 1 };
  if (result.kind === "ignored") return { ...state, pending };
  return { ...state, series: result.series, pending };
}
