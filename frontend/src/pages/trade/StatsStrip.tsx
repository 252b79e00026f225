import type { ReactNode } from "react";
import { Box, Stack, Typography } from "@mui/material";
import { formatDecimal, isDecimal, isNegative, isZero, mul } from "../../lib/decimal";
import { streamName, type MarkPriceData, type Market, type TickerData } from "../../api/market";
import { StaleBadge, useMarketStream, useNow } from "../../realtime";
import { useLastPrice } from "./useLastPrice";

export interface StatsStripProps {
  market: Market;
  symbol: string;
  base: string;
  quote: string;
  priceDecimals: number | undefined;
}

function Stat({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Box data-testid={testId} sx={{ minWidth: 0 }}>
      <Typography component="div" sx={{ fontSize: 11, color: "text.secondary", lineHeight: 1.3, whiteSpace: "nowrap" }}>
        {label}
      </Typography>
      <Typography component="div" sx={{ fontSize: 12, lineHeight: 1.4, whiteSpace: "nowrap", fontVariantNumeric: "tabular-nums" }}>
        {children}
      </Typography>
    </Box>
  );
}

function num(value: string | null | undefined, decimals?: number): string {
  if (!value || !isDecimal(value)) return "—";
  return formatDecimal(value, { group: true, decimals });
}

function countdown(targetMs: number, now: number): string {
  const s = Math.max(0, Math.floor((targetMs - now) / 1000));
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/** The symbol's 24 h statistics (ticker stream) and, for USD-M, mark price and funding. */
export function StatsStrip({ market, symbol, base, quote, priceDecimals }: StatsStripProps) {
  const tickerStream = useMarketStream<TickerData>(streamName(market, symbol, "ticker"));
  const markStream = useMarketStream<MarkPriceData>(market === "USDM" ? streamName(market, symbol, "markprice") : null);
  const lastPrice = useLastPrice(market, symbol);
  const ticker = tickerStream.last?.data ?? null;
  const markPrice = markStream.last?.data ?? null;
  const now = useNow();
  const pct = ticker?.P && isDecimal(ticker.P) ? ticker.P : null;
  const changeColor = pct === null || isZero(pct) ? "text.primary" : isNegative(pct) ? "error.main" : "success.main";
  const fundingPct = markPrice?.r && isDecimal(markPrice.r) ? mul(markPrice.r, "100") : null;
  const nextFunding = markPrice ? Number(markPrice.T) : Number.NaN;
  return (
    <Stack
      data-testid="stats-strip"
      direction="row"
      spacing={1.75}
      sx={{ alignItems: "center", minWidth: 0, overflowX: "auto", py: 0.5 }}
    >
      <Typography
        data-testid="stats-last"
        sx={{ fontSize: 18, fontWeight: 600, color: changeColor, fontVariantNumeric: "tabular-nums", whiteSpace: "nowrap" }}
      >
        {num(lastPrice, priceDecimals)}
      </Typography>
      <Stat label="24h change" testId="stats-change">
        <Box component="span" sx={{ color: changeColor }}>
          {ticker ? `${num(ticker.p, priceDecimals)} ${pct === null ? "" : `${formatDecimal(pct, { sign: true, decimals: 2 })}%`}` : "—"}
        </Box>
      </Stat>
      <Stat label="24h high">{num(ticker?.h, priceDecimals)}</Stat>
      <Stat label="24h low">{num(ticker?.l, priceDecimals)}</Stat>
      <Stat label={`24h vol (${base})`}>{num(ticker?.v, 2)}</Stat>
      <Stat label={`24h vol (${quote})`}>{num(ticker?.q, 0)}</Stat>
      {market === "USDM" && (
        <>
          <Stat label="Mark" testId="stats-mark">
            {num(markPrice?.p, priceDecimals)}
          </Stat>
          <Stat label="Funding · next" testId="stats-funding">
            {fundingPct === null ? "—" : `${formatDecimal(fundingPct, { decimals: 4, sign: true })}%`}
            {Number.isFinite(nextFunding) ? ` · ${countdown(nextFunding, now)}` : ""}
          </Stat>
        </>
      )}
      <StaleBadge ageMs={tickerStream.ageMs} staleAfterMs={30_000} />
    </Stack>
  );
}
