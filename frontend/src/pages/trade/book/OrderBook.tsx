import { memo, useMemo, useState } from "react";
import { Box, MenuItem, Select, Stack, Typography, alpha, useTheme } from "@mui/material";
import { compare, decimalsOf, formatDecimal, toNumber } from "../../../lib/decimal";
import { streamName, type DepthData, type Market } from "../../../api/market";
import { StaleBadge, isStale, useMarketStream } from "../../../realtime";
import { useLastPrice } from "../useLastPrice";
import { aggregateBook, groupingOptions, type BookLevel } from "./aggregate";

const ROWS_PER_SIDE = 12;

export interface OrderBookProps {
  market: Market;
  symbol: string;
  /** The symbol's tick; null while its rules load (levels are shown as received). */
  tick: string | null;
  /** Decimals of the symbol's step: quantities are shown with them. */
  quantityDecimals?: number;
  base: string;
  quote: string;
  onPickPrice: (price: string) => void;
}

/** Live depth: asks above, bids below, running-total bars, spread and last price in between. */
export function OrderBook({ market, symbol, tick, quantityDecimals, base, quote, onPickPrice }: OrderBookProps) {
  const stream = useMarketStream<DepthData>(streamName(market, symbol, "depth"));
  const options = useMemo(() => (tick ? groupingOptions(tick) : []), [tick]);
  const [grouping, setGrouping] = useState<string | null>(null);
  const step = grouping && options.includes(grouping) ? grouping : (options[0] ?? null);
  const book = useMemo(
    () => aggregateBook(stream.last?.data ?? null, step ?? "0.00000001", ROWS_PER_SIDE),
    [stream.last, step],
  );
  const asksTopDown = useMemo(() => [...book.asks].reverse(), [book.asks]);
  const decimals = step ? step.split(".")[1]?.length ?? 0 : undefined;
  // Levels we cannot vouch for are greyed: the socket is down, or nothing came for a while.
  const stale = stream.last !== null && (stream.status !== "online" || isStale(stream.ageMs, 30_000));

  return (
    <Box
      data-testid="order-book"
      data-stale={stale ? "true" : "false"}
      sx={{ display: "flex", flexDirection: "column", height: "100%", minHeight: 0, fontSize: 12, "& .book-levels": { opacity: stale ? 0.45 : 1 } }}
    >
      <Stack direction="row" sx={{ alignItems: "center", justifyContent: "space-between", px: 1, py: 0.5 }}>
        <Typography variant="subtitle2" component="h2" sx={{ fontSize: 13 }}>
          Order book
        </Typography>
        <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
          <StaleBadge ageMs={stream.ageMs} staleAfterMs={30_000} />
          {options.length > 0 && step && (
            <Select
              size="small"
              value={step}
              onChange={(e) => setGrouping(e.target.value)}
              inputProps={{ "aria-label": "Price grouping" }}
              sx={{ fontSize: 12, "& .MuiSelect-select": { py: 0.25 } }}
            >
              {options.map((o) => (
                <MenuItem key={o} value={o} sx={{ fontSize: 12 }}>
                  {o}
                </MenuItem>
              ))}
            </Select>
          )}
        </Stack>
      </Stack>
      <HeaderRow base={base} quote={quote} />
      <Box className="book-levels" sx={{ flex: 1, minHeight: 0, display: "flex", flexDirection: "column", justifyContent: "flex-end", overflow: "hidden" }}>
        {asksTopDown.map((level) => (
          <LevelRow key={level.price} side="ask" level={level} maxTotal={book.maxTotal} decimals={decimals} qtyDecimals={quantityDecimals} onPick={onPickPrice} />
        ))}
      </Box>
      <Box data-testid="book-spread" sx={{ px: 1, py: 0.25, borderTop: 1, borderBottom: 1, borderColor: "divider" }}>
        <LastPrice market={market} symbol={symbol} mid={book.mid} decimals={tick ? decimalsOf(tick) : undefined} />
        <Typography component="div" sx={{ fontSize: 11, color: "text.secondary", fontVariantNumeric: "tabular-nums" }}>
          {book.spread !== null ? `Spread ${formatDecimal(book.spread)} (${book.spreadPct}%)` : "Spread —"}
        </Typography>
      </Box>
      <Box className="book-levels" sx={{ flex: 1, minHeight: 0, overflow: "hidden" }}>
        {book.bids.map((level) => (
          <LevelRow key={level.price} side="bid" level={level} maxTotal={book.maxTotal} decimals={decimals} qtyDecimals={quantityDecimals} onPick={onPickPrice} />
        ))}
      </Box>
      {!stream.last && (
        <Typography variant="caption" color="text.secondary" sx={{ px: 1, py: 0.5 }}>
          {stream.error ?? "Waiting for the order book…"}
        </Typography>
      )}
    </Box>
  );
}

function HeaderRow({ base, quote }: { base: string; quote: string }) {
  return (
    <Box sx={{ display: "grid", gridTemplateColumns: "1fr 1fr 1fr", px: 1, color: "text.secondary", fontSize: 11 }}>
      <span>Price ({quote})</span>
      <Box component="span" sx={{ textAlign: "right" }}>
        Amount ({base})
      </Box>
      <Box component="span" sx={{ textAlign: "right" }}>
        Total
      </Box>
    </Box>
  );
}

function LastPrice({ market, symbol, mid, decimals }: { market: Market; symbol: string; mid: string | null; decimals: number | undefined }) {
  const theme = useTheme();
  const price = useLastPrice(market, symbol);
  const [previous, setPrevious] = useState<{ price: string | null; color: string }>({ price: null, color: theme.palette.text.primary });
  // The colour of the last price says which way it last moved (a render-time update, no effect).
  if (price !== previous.price) {
    let color = previous.color;
    if (price && previous.price) {
      const direction = compare(price, previous.price);
      if (direction > 0) color = theme.palette.success.main;
      else if (direction < 0) color = theme.palette.error.main;
    }
    setPrevious({ price, color });
  }
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: "baseline" }}>
      <Typography
        component="span"
        data-testid="book-last-price"
        sx={{ fontSize: 15, fontWeight: 600, color: previous.color, fontVariantNumeric: "tabular-nums" }}
      >
        {price ? formatDecimal(price, { group: true, decimals }) : "—"}
      </Typography>
      <Typography component="span" sx={{ fontSize: 11, color: "text.secondary", fontVariantNumeric: "tabular-nums", ml: "auto !important" }}>
        {mid ? `mid ${formatDecimal(mid, { group: true })}` : ""}
      </Typography>
    </Stack>
  );
}

interface LevelRowProps {
  side: "bid" | "ask";
  level: BookLevel;
  maxTotal: string;
  decimals: number | undefined;
  qtyDecimals: number | undefined;
  onPick: (price: string) => void;
}

const LevelRow = memo(function LevelRow({ side, level, maxTotal, decimals, qtyDecimals, onPick }: LevelRowProps) {
  const theme = useTheme();
  const color = side === "bid" ? theme.palette.success.main : theme.palette.error.main;
  const max = toNumber(maxTotal);
  const width = max > 0 ? Math.min(100, (toNumber(level.total) / max) * 100) : 0;
  const price = decimals === undefined ? level.price : formatDecimal(level.price, { decimals });
  return (
    <Box
      component="button"
      type="button"
      data-testid={`book-${side}-${level.price}`}
      aria-label={`${side === "bid" ? "Bid" : "Ask"} ${price}, amount ${level.quantity}: use this price`}
      onClick={() => onPick(level.price)}
      sx={{
        all: "unset",
        boxSizing: "border-box",
        position: "relative",
        display: "grid",
        gridTemplateColumns: "1fr 1fr 1fr",
        width: "100%",
        px: 1,
        lineHeight: "18px",
        cursor: "pointer",
        fontVariantNumeric: "tabular-nums",
        "&:hover, &:focus-visible": { bgcolor: "action.hover" },
        "&:focus-visible": { outline: `1px solid ${theme.palette.primary.main}` },
      }}
    >
      <Box
        aria-hidden
        sx={{ position: "absolute", top: 0, bottom: 0, right: 0, width: `${width}%`, bgcolor: alpha(color, 0.15), pointerEvents: "none" }}
      />
      <Box component="span" sx={{ color, position: "relative" }}>
        {price}
      </Box>
      <Box component="span" sx={{ textAlign: "right", position: "relative" }}>
        {formatDecimal(level.quantity, { decimals: qtyDecimals })}
      </Box>
      <Box component="span" sx={{ textAlign: "right", position: "relative", color: "text.secondary" }}>
        {formatDecimal(level.total, { decimals: qtyDecimals })}
      </Box>
    </Box>
  );
});
