import { memo, useCallback, useState } from "react";
import { Box, Stack, Typography, useTheme } from "@mui/material";
import { formatDecimal } from "../../../lib/decimal";
import { streamName, type Market, type TradeData } from "../../../api/market";
import { StaleBadge, useMarketStream, type MarketFrame } from "../../../realtime";
import { pushTrade, tradeFromMessage, type RecentTrade } from "./recent";

const MAX_TRADES = 60;

export interface RecentTradesProps {
  market: Market;
  symbol: string;
  base: string;
  quote: string;
  /** Display decimals: the tick's for prices, the step's for amounts. */
  priceDecimals?: number;
  quantityDecimals?: number;
  onPickPrice: (price: string) => void;
}

function timeLabel(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour12: false, hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

/** The market's latest trades, newest first: green when the buyer took the ask, red when a seller hit the bid. */
export function RecentTrades(props: RecentTradesProps) {
  // Keyed: a new symbol starts an empty list.
  return <TradeList key={`${props.market}:${props.symbol}`} {...props} />;
}

function TradeList({ market, symbol, base, quote, priceDecimals, quantityDecimals, onPickPrice }: RecentTradesProps) {
  const [trades, setTrades] = useState<readonly RecentTrade[]>([]);
  const onFrame = useCallback((frame: MarketFrame<TradeData>) => {
    const trade = tradeFromMessage(frame.data);
    if (trade) setTrades((list) => pushTrade(list, trade, MAX_TRADES));
  }, []);
  const stream = useMarketStream<TradeData>(streamName(market, symbol, "trade"), onFrame);
  const offline = stream.status !== "online";

  return (
    <Box data-testid="recent-trades" sx={{ display: "flex", flexDirection: "column", height: "100%", minHeight: 0, fontSize: 12 }}>
      <Stack direction="row" sx={{ alignItems: "center", justifyContent: "space-between", px: 1, py: 0.5 }}>
        <Typography variant="subtitle2" component="h2" sx={{ fontSize: 13 }}>
          Market trades
        </Typography>
        <StaleBadge ageMs={stream.ageMs} staleAfterMs={60_000} />
      </Stack>
      <Box sx={{ display: "grid", gridTemplateColumns: "1fr 1fr 1fr", px: 1, color: "text.secondary", fontSize: 11 }}>
        <span>Price ({quote})</span>
        <Box component="span" sx={{ textAlign: "right" }}>
          Amount ({base})
        </Box>
        <Box component="span" sx={{ textAlign: "right" }}>
          Time
        </Box>
      </Box>
      <Box
        component="ol"
        aria-label="Recent market trades"
        sx={{ listStyle: "none", m: 0, p: 0, overflowY: "auto", flex: 1, minHeight: 0, opacity: offline && trades.length > 0 ? 0.45 : 1 }}
      >
        {trades.map((t) => (
          <TradeRow key={t.id} trade={t} priceDecimals={priceDecimals} quantityDecimals={quantityDecimals} onPick={onPickPrice} />
        ))}
        {trades.length === 0 && (
          <Typography component="li" variant="caption" color="text.secondary" sx={{ px: 1 }}>
            {stream.error ?? "Waiting for trades…"}
          </Typography>
        )}
      </Box>
    </Box>
  );
}

/** One row; a trade never changes, so a new trade re-renders only its own row. */
interface TradeRowProps {
  trade: RecentTrade;
  priceDecimals: number | undefined;
  quantityDecimals: number | undefined;
  onPick: (price: string) => void;
}

const TradeRow = memo(function TradeRow({ trade: t, priceDecimals, quantityDecimals, onPick }: TradeRowProps) {
  const theme = useTheme();
  return (
    <Box
      component="li"
      data-testid="recent-trade"
      data-side={t.buyerMaker ? "sell" : "buy"}
      sx={{ display: "grid", gridTemplateColumns: "1fr 1fr 1fr", px: 1, lineHeight: "18px", fontVariantNumeric: "tabular-nums" }}
    >
      <Box
        component="button"
        type="button"
        onClick={() => onPick(t.price)}
        aria-label={`Trade at ${t.price}: use this price`}
        sx={{
          all: "unset",
          cursor: "pointer",
          color: t.buyerMaker ? theme.palette.error.main : theme.palette.success.main,
          "&:focus-visible": { outline: `1px solid ${theme.palette.primary.main}` },
        }}
      >
        {formatDecimal(t.price, { decimals: priceDecimals })}
      </Box>
      <Box component="span" sx={{ textAlign: "right" }}>
        {formatDecimal(t.quantity, { decimals: quantityDecimals })}
      </Box>
      <Box component="span" sx={{ textAlign: "right", color: "text.secondary" }}>
        {timeLabel(t.time)}
      </Box>
    </Box>
  );
});
