import { api } from "./client";
import type { Money, Price, Quantity } from "../types/money";

/**
 * Market data over REST (`/api/market/…`) and the shapes of the `/ws/market/` messages.
 *
 * Messages are normalized by apps/marketdata/domain/messages.py: `{"stream", "E", "data"}` with every
 * number a string (times included), except kline `x` and trade `m` which are booleans.
 */

/** How a market is spelled in symbols, orders and preferences. */
export type Market = "SPOT" | "USDM";
/** How a market is spelled in stream names and market-data URLs. */
export type MarketPath = "spot" | "usdm";

export function marketPath(market: Market): MarketPath {
  return market === "USDM" ? "usdm" : "spot";
}

export function marketFromPath(path: string | undefined): Market | null {
  const lower = path?.toLowerCase();
  if (lower === "spot") return "SPOT";
  if (lower === "usdm") return "USDM";
  return null;
}

/** `spot.btcusdt.kline_1m`: the stream naming contract of /ws/market/. */
export function streamName(market: Market, symbol: string, kind: string): string {
  return `${marketPath(market)}.${symbol.toLowerCase()}.${kind}`;
}

export const CHART_INTERVALS = ["1m", "5m", "15m", "1h", "4h", "1d"] as const;
export type ChartInterval = (typeof CHART_INTERVALS)[number];

export const INTERVAL_MS: Record<ChartInterval, number> = {
  "1m": 60_000,
  "5m": 300_000,
  "15m": 900_000,
  "1h": 3_600_000,
  "4h": 14_400_000,
  "1d": 86_400_000,
};

export function isChartInterval(value: unknown): value is ChartInterval {
  return typeof value === "string" && (CHART_INTERVALS as readonly string[]).includes(value);
}

/** One row of `GET /api/market/{market}/{symbol}/klines/`, oldest first; times in ms. */
export interface KlineRow {
  open_time: number;
  open: Price;
  high: Price;
  low: Price;
  close: Price;
  volume: Quantity;
  close_time: number;
  quote_volume: Money;
  trades: number;
}

export function klinesKey(market: Market, symbol: string, interval: ChartInterval) {
  return ["klines", market, symbol, interval] as const;
}

export function fetchKlines(
  market: Market,
  symbol: string,
  interval: ChartInterval,
  { limit = 500, endTime, signal }: { limit?: number; endTime?: number; signal?: AbortSignal } = {},
): Promise<KlineRow[]> {
  const params = new URLSearchParams({ interval, limit: String(limit) });
  if (endTime !== undefined) params.set("end_time", String(endTime));
  return api.get<KlineRow[]>(`/api/market/${marketPath(market)}/${symbol}/klines/?${params}`, { signal });
}

/** A normalized stream message. */
export interface MarketMessage<D> {
  stream: string;
  E: number;
  data: D;
}

/** `kline_<interval>`: t/T open and close time (ms, as strings); x is true once the candle closed. */
export interface KlineData {
  t: string;
  T: string;
  o: Price;
  h: Price;
  l: Price;
  c: Price;
  v: Quantity;
  q: Money;
  n: string;
  x: boolean;
  i: string;
}

/** `depth`: the top levels of the platform's local book, best first, `[price, quantity]`. */
export interface DepthData {
  bids: [Price, Quantity][];
  asks: [Price, Quantity][];
  u: string;
}

/** `trade` (Binance aggTrade): m is true when the buyer was the maker (a sell hit the bid). */
export interface TradeData {
  a: string;
  p: Price;
  q: Quantity;
  T: string;
  m: boolean;
}

/** `ticker`: 24 h rolling statistics. */
export interface TickerData {
  c: Price;
  o: Price;
  h: Price;
  l: Price;
  v: Quantity;
  q: Money;
  P: string;
  p: Price;
}

/** `markprice` (USD-M): mark price, index price, funding rate, next funding time (ms). */
export interface MarkPriceData {
  p: Price;
  i: Price;
  r: string;
  T: string;
}

export interface MarketSnapshot {
  market: MarketPath;
  symbol: string;
  streams: Record<string, MarketMessage<unknown> | null>;
}

/** Latest cached message per stream kind (null when the platform has none yet). */
export function fetchSnapshot(
  market: Market,
  symbol: string,
  kinds: readonly string[],
  signal?: AbortSignal,
): Promise<MarketSnapshot> {
  const params = new URLSearchParams({ streams: kinds.join(",") });
  return api.get<MarketSnapshot>(`/api/market/${marketPath(market)}/${symbol}/snapshot/?${params}`, { signal });
}
