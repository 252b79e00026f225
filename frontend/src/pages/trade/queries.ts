import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { availableOf, balancesKey, fetchBalances } from "../../api/balances";
import { fetchFuturesSettings, futuresSettingsKey } from "../../api/futures";
import type { Market } from "../../api/market";
import type { Page } from "../../api/orders";
import type { Price, Quantity } from "../../types/money";
import type { SymbolRulesSource } from "./ticket/rules";

/** Reads of the trade view that no shared API module covers, under the contract's query keys. */

export type SymbolDetail = SymbolRulesSource & { status: string; contract_type?: string };

export function useSymbolDetail(market: Market, symbol: string) {
  return useQuery({
    queryKey: ["symbol", market, symbol],
    queryFn: ({ signal }) => api.get<SymbolDetail>(`/api/symbols/${market}/${symbol}/`, { signal }),
    staleTime: 60_000,
  });
}

/** One of our trades (apps/positions TradeOutputSerializer): the fills marked on the chart. */
export interface OwnTrade {
  id: number;
  market: Market;
  symbol: string;
  side: "BUY" | "SELL" | null;
  order_id: number | null;
  external: boolean;
  price: Price;
  quantity: Quantity;
  trade_time: string;
}

/** The newest fills of one symbol (one page is plenty for the bars on screen). */
export function useOwnTrades(market: Market, symbol: string) {
  return useQuery({
    queryKey: ["trades", { market, symbol, page_size: 200 }],
    queryFn: ({ signal }) =>
      api.get<Page<OwnTrade>>(`/api/trades/?${new URLSearchParams({ market, symbol, page_size: "200" })}`, { signal }),
    select: (page: Page<OwnTrade>) => page.results,
  });
}

export function useTicketBalances(market: Market) {
  return useQuery({
    queryKey: balancesKey(market),
    queryFn: ({ signal }) => fetchBalances(market, signal),
    refetchInterval: 30_000,
  });
}

export { availableOf };

export function useFuturesSettings(symbol: string, enabled: boolean) {
  return useQuery({
    queryKey: futuresSettingsKey(symbol),
    queryFn: ({ signal }) => fetchFuturesSettings(symbol, signal),
    enabled,
    staleTime: 30_000,
  });
}
