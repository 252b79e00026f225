import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "./client";
import type { Page } from "./orders";
import type { Market } from "./market";

/** Symbols over REST (apps/symbols/api): paged search for the pair selector, one symbol's rules. */

export type SymbolMarket = Market;

/** SymbolListOutputSerializer. */
export interface SymbolRow {
  market: SymbolMarket;
  symbol: string;
  status: string;
  is_listed: boolean;
  base_asset: string;
  quote_asset: string;
  margin_asset: string;
  tradable: boolean;
}

export interface SymbolSearchParams {
  market?: SymbolMarket;
  /** Prefix of the symbol, base or quote asset. */
  search?: string;
  status?: string;
  page?: number;
  pageSize?: number;
}

export function useSymbolSearch(params: SymbolSearchParams, options: { enabled?: boolean } = {}) {
  const key = {
    market: params.market ?? null,
    search: params.search?.trim().toUpperCase() ?? "",
    status: params.status ?? null,
    page: params.page ?? 1,
    pageSize: params.pageSize ?? 50,
  };
  return useQuery({
    queryKey: ["symbols", key],
    queryFn: ({ signal }) => {
      const q = new URLSearchParams();
      if (key.market) q.set("market", key.market);
      if (key.search) q.set("search", key.search);
      if (key.status) q.set("status", key.status);
      q.set("page", String(key.page));
      q.set("page_size", String(key.pageSize));
      return api.get<Page<SymbolRow>>(`/api/symbols/?${q.toString()}`, { signal });
    },
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    enabled: options.enabled ?? true,
  });
}

/** "SPOT:BTCUSDT", the spelling of preferences.watched_symbols. */
export function watchKey(market: SymbolMarket, symbol: string): string {
  return `${market}:${symbol.toUpperCase()}`;
}

export function parseWatchKey(key: string): { market: SymbolMarket; symbol: string } | null {
  const [market, symbol, ...rest] = key.trim().toUpperCase().split(":");
  if (rest.length > 0 || !symbol || (market !== "SPOT" && market !== "USDM")) return null;
  return { market, symbol };
}

export function marketLabel(market: SymbolMarket): string {
  return market === "USDM" ? "USD-M" : "Spot";
}

/** `spot.btcusdt.miniticker`: the stream naming of /ws/market/. */
export function symbolStream(market: SymbolMarket, symbol: string, kind: string): string {
  return `${market === "USDM" ? "usdm" : "spot"}.${symbol.toLowerCase()}.${kind}`;
}
