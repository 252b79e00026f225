import { useQuery } from "@tanstack/react-query";
import { api } from "./client";
import { add, compare, div, isDecimal, isZero, mul } from "../lib/decimal";
import type { Balance, Market, Position } from "./positions";
import type { DecimalString, Money, Quantity } from "../types/money";

/** `GET /api/portfolio/`, `GET /api/equity/`, `GET /api/income/` (apps/positions/api/serializers.py). */

export interface PeriodPnl {
  realized: Money;
  spot_realized: Money;
  futures_realized: Money;
  commission: Money;
  funding: Money;
  /** realized − commission + funding (computed by the server). */
  net: Money;
}

export type PnlPeriod = "today" | "7d" | "all";

export interface MarketTotal {
  market: Market;
  wallet: Money;
  unrealized: Money;
  equity: Money;
}

export interface Exposure {
  market: Market;
  /** Futures symbol, or spot asset. */
  name: string;
  position_side: string;
  quantity: Quantity;
  notional_usdt: Money | null;
}

export interface Portfolio {
  as_of: string;
  balances_synced: boolean;
  total_equity: Money;
  markets: MarketTotal[];
  balances: Balance[];
  pnl: Record<PnlPeriod, PeriodPnl>;
  unrealized: { spot: Money; futures: Money; total: Money };
  exposure: Exposure[];
  /** Assets without a USDT price: left out of the totals. */
  unpriced: string[];
}

export interface EquityPoint {
  /** Start of the bucket (UTC). */
  time: string;
  taken_at: string;
  equity: Money;
  wallet: Money;
  unrealized: Money;
}

export type EquityStep = "1m" | "5m" | "15m" | "1h" | "4h" | "1d";

export interface EquitySeries {
  market: "TOTAL" | Market;
  step: EquityStep;
  since: string;
  until: string;
  points: EquityPoint[];
}

export interface IncomeRecord {
  id: number;
  market: Market;
  type: string;
  asset: string;
  amount: Money;
  symbol: string;
  time: string;
  exchange_tran_id: number;
  trade_id: string;
  info: string;
}

export type EquityRange = "1D" | "7D" | "30D" | "All";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Span and bucket step of each range. The server answers at most 2000 buckets; "All" reaches back
 * five years in daily steps (1826 buckets), which covers any history this platform holds.
 */
export const EQUITY_RANGES: Record<EquityRange, { spanMs: number; step: EquityStep }> = {
  "1D": { spanMs: DAY_MS, step: "5m" },
  "7D": { spanMs: 7 * DAY_MS, step: "1h" },
  "30D": { spanMs: 30 * DAY_MS, step: "4h" },
  All: { spanMs: 1826 * DAY_MS, step: "1d" },
};

export function equityQuery(range: EquityRange, now: number): string {
  const { spanMs, step } = EQUITY_RANGES[range];
  const since = new Date(now - spanMs).toISOString();
  return `/api/equity/?${new URLSearchParams({ since, step, market: "TOTAL" }).toString()}`;
}

export function usePortfolio() {
  return useQuery({
    queryKey: ["portfolio"],
    queryFn: () => api.get<Portfolio>("/api/portfolio/"),
    refetchInterval: 30_000,
  });
}

export function useEquity(range: EquityRange) {
  return useQuery({
    queryKey: ["equity", range],
    queryFn: () => api.get<EquitySeries>(equityQuery(range, Date.now())),
    refetchInterval: 60_000,
  });
}

/** Sum of decimal strings, skipping nulls and anything that is not a plain decimal. */
export function sumDecimals(values: Iterable<string | null | undefined>): DecimalString {
  let total = "0";
  for (const v of values) if (v && isDecimal(v)) total = add(total, v);
  return total;
}

/** Headline figures of the portfolio page, in USDT. */
export interface PortfolioTotals {
  equity: Money;
  /** Spot free balances plus the futures wallet's available balance, at their USDT prices. */
  available: Money;
  unrealized: Money;
  /** Initial margin held by the open USD-M positions. */
  marginUsed: Money;
}

export function portfolioTotals(portfolio: Portfolio, positions: Position[]): PortfolioTotals {
  const available = sumDecimals(
    portfolio.balances.map((b) => {
      const amount = b.market === "USDM" ? b.available_balance : b.free;
      if (!amount || !b.usdt_price || !isDecimal(amount) || !isDecimal(b.usdt_price)) return null;
      return mul(amount, b.usdt_price);
    }),
  );
  return {
    equity: portfolio.total_equity,
    available,
    unrealized: portfolio.unrealized.total,
    marginUsed: sumDecimals(positions.map((p) => p.initial_margin)),
  };
}

export interface AllocationRow {
  asset: string;
  value: Money;
  /** Share of the priced total, in % with 2 decimals. */
  pct: DecimalString;
}

/** USDT value per asset across both markets, largest first. Unpriced balances are left out. */
export function allocationByAsset(balances: Balance[]): AllocationRow[] {
  const byAsset = new Map<string, Money>();
  for (const b of balances) {
    if (!b.usdt_value || !isDecimal(b.usdt_value)) continue;
    byAsset.set(b.asset, add(byAsset.get(b.asset) ?? "0", b.usdt_value));
  }
  const positive = [...byAsset.entries()].filter(([, v]) => compare(v, "0") > 0);
  const total = sumDecimals(positive.map(([, v]) => v));
  return positive
    .map(([asset, value]) => ({
      asset,
      value,
      pct: isZero(total) ? "0" : div(mul(value, "100"), total, 2, "nearest"),
    }))
    .sort((a, b) => compare(b.value, a.value));
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** The latest USD-M income rows (realized P&L, funding, commission, transfers), newest first. */
export function useRecentIncome(pageSize = 20) {
  return useQuery({
    queryKey: ["income", { page_size: pageSize }],
    queryFn: () => api.get<Page<IncomeRecord>>(`/api/income/?page_size=${pageSize}`),
    refetchInterval: 60_000,
  });
}
