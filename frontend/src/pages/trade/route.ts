import { isChartInterval, marketPath, type ChartInterval, type Market } from "../../api/market";

/** Where /trade (no pair in the URL) goes, and which interval the chart opens with. */

export interface PairChoice {
  market: Market;
  symbol: string;
}

export const FALLBACK_PAIR: PairChoice = { market: "SPOT", symbol: "BTCUSDT" };

interface PreferenceLike {
  default_market?: string;
  watched_symbols?: string[];
  chart_interval?: string;
}

function parseWatched(key: string): PairChoice | null {
  const [market, symbol, ...rest] = key.trim().toUpperCase().split(":");
  if (rest.length > 0 || !symbol || !/^[A-Z0-9]{2,32}$/.test(symbol)) return null;
  if (market !== "SPOT" && market !== "USDM") return null;
  return { market, symbol };
}

/**
 * The first watched symbol of the default market, else the first watched symbol, else BTCUSDT on the
 * default market (SPOT when there are no preferences).
 */
export function defaultPair(prefs: PreferenceLike | null | undefined): PairChoice {
  const preferred: Market | null = prefs?.default_market === "USDM" ? "USDM" : prefs?.default_market === "SPOT" ? "SPOT" : null;
  const watched = (prefs?.watched_symbols ?? []).map(parseWatched).filter((p): p is PairChoice => p !== null);
  return (
    watched.find((p) => p.market === preferred) ??
    watched[0] ?? { market: preferred ?? FALLBACK_PAIR.market, symbol: FALLBACK_PAIR.symbol }
  );
}

export function tradePath(pair: PairChoice): string {
  return `/trade/${marketPath(pair.market)}/${pair.symbol.toUpperCase()}`;
}

export function initialInterval(prefs: PreferenceLike | null | undefined): ChartInterval {
  return isChartInterval(prefs?.chart_interval) ? prefs.chart_interval : "1m";
}
