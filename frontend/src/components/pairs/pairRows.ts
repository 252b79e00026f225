import { compare, div, formatDecimal, isDecimal, isZero, mul, normalize, sub } from "../../lib/decimal";
import { marketLabel, parseWatchKey, symbolStream, watchKey, type SymbolMarket, type SymbolRow } from "../../api/symbols";

export interface PairValue {
  market: SymbolMarket;
  symbol: string;
}

/** One line of the list: a market heading or a symbol. Every line has the same height. */
export type ListLine =
  | { kind: "header"; key: string; market: SymbolMarket; label: string; count: number }
  | { kind: "pair"; key: string; market: SymbolMarket; symbol: string; base: string; quote: string; status: string; stream: string };

export const MARKETS: SymbolMarket[] = ["SPOT", "USDM"];

function pairLine(market: SymbolMarket, symbol: string, base = "", quote = "", status = "TRADING"): ListLine {
  return {
    kind: "pair",
    key: watchKey(market, symbol),
    market,
    symbol,
    base,
    quote,
    status,
    stream: symbolStream(market, symbol, "miniticker"),
  };
}

/** Rows grouped by market (Spot first), each group under its heading; empty groups are left out. */
export function groupLines(rows: SymbolRow[]): ListLine[] {
  const lines: ListLine[] = [];
  for (const market of MARKETS) {
    const group = rows.filter((r) => r.market === market);
    if (group.length === 0) continue;
    lines.push({ kind: "header", key: `header-${market}`, market, label: marketLabel(market), count: group.length });
    for (const r of group) lines.push(pairLine(market, r.symbol, r.base_asset, r.quote_asset, r.status));
  }
  return lines;
}

/** The watch list as lines, filtered by the search prefix (on the symbol), grouped like the rest. */
export function watchedLines(keys: string[], search: string): ListLine[] {
  const term = search.trim().toUpperCase();
  const rows: SymbolRow[] = [];
  for (const key of keys) {
    const parsed = parseWatchKey(key);
    if (!parsed || (term && !parsed.symbol.startsWith(term))) continue;
    rows.push({
      market: parsed.market,
      symbol: parsed.symbol,
      status: "TRADING",
      is_listed: true,
      base_asset: "",
      quote_asset: "",
      margin_asset: "",
      tradable: true,
    });
  }
  return groupLines(rows);
}

/** Indexes of the lines inside the scrolled viewport, plus `overscan` on each side. */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  lineHeight: number,
  total: number,
  overscan = 2,
): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / lineHeight) - overscan);
  const last = Math.min(total - 1, Math.ceil((scrollTop + viewportHeight) / lineHeight) + overscan - 1);
  return [first, Math.max(first - 1, last)];
}

export interface MiniTicker {
  /** Last price. */
  c: string;
  /** Price 24 h ago. */
  o: string;
}

export function isMiniTicker(data: unknown): data is MiniTicker {
  const d = data as Partial<MiniTicker> | null;
  return !!d && typeof d.c === "string" && typeof d.o === "string" && isDecimal(d.c) && isDecimal(d.o);
}

/** 24 h change in percent with 2 decimals ("1.25", "-0.40"); null when the open price is zero. */
export function changePercent(t: MiniTicker): string | null {
  if (isZero(t.o)) return null;
  return div(mul(sub(t.c, t.o), "100"), t.o, 2, "nearest");
}

export function formatPrice(price: string): string {
  return formatDecimal(normalize(price), { group: true });
}

export function changeDirection(pct: string | null): "up" | "down" | "flat" {
  if (pct === null) return "flat";
  const c = compare(pct, "0");
  return c > 0 ? "up" : c < 0 ? "down" : "flat";
}
