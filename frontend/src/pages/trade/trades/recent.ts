import type { TradeData } from "../../../api/market";
import { plainDecimal } from "../wire";

/** One market trade for the recent-trades list; `buyerMaker` true means a seller took the bid (red). */
export interface RecentTrade {
  id: string;
  price: string;
  quantity: string;
  time: number;
  buyerMaker: boolean;
}

export function tradeFromMessage(data: TradeData): RecentTrade | null {
  const price = plainDecimal(data.p);
  const quantity = plainDecimal(data.q);
  const time = Number(data.T);
  if (price === null || quantity === null || !Number.isFinite(time) || typeof data.a !== "string") return null;
  return { id: data.a, price, quantity, time, buyerMaker: data.m === true };
}

/**
 * Newest first, at most `cap`. The snapshot after a reconnect repeats the last trade: a trade id
 * already listed is not listed twice.
 */
export function pushTrade(list: readonly RecentTrade[], trade: RecentTrade, cap: number): readonly RecentTrade[] {
  if (list.some((t) => t.id === trade.id)) return list;
  return [trade, ...list].slice(0, cap);
}
