import { api } from "./client";
import type { Market } from "./market";
import type { Money } from "../types/money";

/**
 * `GET /api/balances/` (apps/positions/api): spot rows carry free/locked, USD-M rows wallet and available
 * balance. Fields a market does not report are null.
 */
export interface Balance {
  market: Market;
  asset: string;
  free: Money | null;
  locked: Money | null;
  total: Money | null;
  wallet_balance: Money | null;
  cross_wallet_balance: Money | null;
  available_balance: Money | null;
  unrealized_pnl: Money | null;
  usdt_price: Money | null;
  usdt_value: Money | null;
  updated_at: string;
}

/** Under ["balances"], which the realtime provider invalidates on reconnect and sequence gaps. */
export function balancesKey(market: Market) {
  return ["balances", market] as const;
}

export function fetchBalances(market: Market, signal?: AbortSignal): Promise<Balance[]> {
  return api.get<Balance[]>(`/api/balances/?${new URLSearchParams({ market })}`, { signal });
}

/** What the ticket may spend of an asset: spot `free`; USD-M `available_balance`. "0" when absent. */
export function availableOf(balances: readonly Balance[] | undefined, market: Market, asset: string): Money {
  const row = balances?.find((b) => b.market === market && b.asset === asset);
  const value = market === "USDM" ? row?.available_balance : row?.free;
  return value ?? "0";
}
