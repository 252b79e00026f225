import { streamName, type Market, type TickerData, type TradeData } from "../../api/market";
import { useMarketStream } from "../../realtime";
import { plainDecimal } from "./wire";

/**
 * The symbol's last price: the newer of the last trade and the ticker's close. Components that
 * need it subscribe themselves (subscriptions are shared), so a trade re-renders the few places that
 * show the price, never the whole page. `trades: false` reads the ticker only (about once a second).
 */
export function useLastPrice(market: Market, symbol: string, { trades = true }: { trades?: boolean } = {}): string | null {
  const ticker = useMarketStream<TickerData>(streamName(market, symbol, "ticker"));
  const trade = useMarketStream<TradeData>(trades ? streamName(market, symbol, "trade") : null);
  const fromTrade = trade.last ? plainDecimal(trade.last.data.p) : null;
  const fromTicker = ticker.last ? plainDecimal(ticker.last.data.c) : null;
  if (fromTrade && (!fromTicker || (trade.last?.receivedAt ?? 0) >= (ticker.last?.receivedAt ?? 0))) return fromTrade;
  return fromTicker;
}
