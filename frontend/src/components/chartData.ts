import type { CandlestickData, UTCTimestamp } from "lightweight-charts";
import type { Price } from "../types/money";

/** One OHLC bar. Prices are decimal strings as delivered by the API; `time` is epoch seconds (UTC). */
export interface Candle {
  time: number;
  open: Price;
  high: Price;
  low: Price;
  close: Price;
}

/** The only place prices become numbers: for drawing, never for arithmetic. */
export function toChartData(candles: readonly Candle[]): CandlestickData<UTCTimestamp>[] {
  return candles.map((c) => ({
    time: c.time as UTCTimestamp,
    open: Number(c.open),
    high: Number(c.high),
    low: Number(c.low),
    close: Number(c.close),
  }));
}
