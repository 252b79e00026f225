import { useCallback, useEffect, useMemo, useReducer, useRef } from "react";
import { Box, Stack, ToggleButton, ToggleButtonGroup, Typography, useTheme } from "@mui/material";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { CandlestickChart } from "../../../components/CandlestickChart";
import type { ChartMarker, ChartPriceLine } from "../../../components/chartData";
import { decimalsOf, toNumber } from "../../../lib/decimal";
import {
  CHART_INTERVALS,
  INTERVAL_MS,
  fetchKlines,
  klinesKey,
  streamName,
  type ChartInterval,
  type KlineData,
  type Market,
} from "../../../api/market";
import { useOpenOrders } from "../../../api/orders";
import { StaleBadge, useAccountEvents, useMarketStream, type MarketFrame } from "../../../realtime";
import { useOwnTrades } from "../queries";
import { EMPTY_LIVE_SERIES, candleFromKline, candleFromRow, liveSeriesReducer, type LiveAction } from "./series";
import { fillMarkers, orderLines } from "./overlays";

const REFETCH_MIN_GAP_MS = 3_000;

export interface PriceChartProps {
  market: Market;
  symbol: string;
  interval: ChartInterval;
  onIntervalChange: (interval: ChartInterval) => void;
  tick: string | null;
}

/** Candles with volume, the live candle from the kline stream, our open orders and fills on top. */
export function PriceChart({ market, symbol, interval, onIntervalChange, tick }: PriceChartProps) {
  return (
    <Box sx={{ display: "flex", flexDirection: "column", height: "100%", minHeight: 0 }}>
      <Stack direction="row" spacing={1} sx={{ alignItems: "center", px: 1, py: 0.5 }}>
        <ToggleButtonGroup
          size="small"
          exclusive
          value={interval}
          onChange={(_e, value: ChartInterval | null) => value && onIntervalChange(value)}
          aria-label="Chart interval"
          sx={{ "& .MuiToggleButton-root": { py: 0.1, px: 1, fontSize: 12, textTransform: "none" } }}
        >
          {CHART_INTERVALS.map((i) => (
            <ToggleButton key={i} value={i} aria-label={`${i} candles`}>
              {i}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
      </Stack>
      {/* Keyed so a new symbol or interval starts from an empty series, never mixing two. */}
      <LiveCandles key={`${market}:${symbol}:${interval}`} market={market} symbol={symbol} interval={interval} tick={tick} />
    </Box>
  );
}

function LiveCandles({ market, symbol, interval, tick }: Omit<PriceChartProps, "onIntervalChange">) {
  const theme = useTheme();
  const queryClient = useQueryClient();
  const seconds = INTERVAL_MS[interval] / 1000;
  const [live, dispatch] = useReducer(
    (state: typeof EMPTY_LIVE_SERIES, action: LiveAction) => liveSeriesReducer(state, action, seconds),
    EMPTY_LIVE_SERIES,
  );

  const history = useQuery({
    queryKey: klinesKey(market, symbol, interval),
    queryFn: ({ signal }) => fetchKlines(market, symbol, interval, { limit: 500, signal }),
    select: (rows) => rows.map(candleFromRow),
    staleTime: 10_000,
  });
  useEffect(() => {
    if (history.data) dispatch({ type: "history", candles: history.data });
  }, [history.data]);

  // A gap means candles are missing between history and the live ones: fetch history again (at most
  // every few seconds, so a lagging server cannot make us hammer it).
  const lastRefetch = useRef(0);
  const { refetch, isFetching } = history;
  useEffect(() => {
    if (live.refetches === 0 || isFetching) return;
    const now = Date.now();
    if (now - lastRefetch.current < REFETCH_MIN_GAP_MS) return;
    lastRefetch.current = now;
    void refetch();
  }, [live.refetches, isFetching, refetch]);

  const onFrame = useCallback((frame: MarketFrame<KlineData>) => {
    const candle = candleFromKline(frame.data);
    if (candle) dispatch({ type: "kline", candle });
  }, []);
  const stream = useMarketStream<KlineData>(streamName(market, symbol, `kline_${interval}`), onFrame);

  const openOrders = useOpenOrders({ market, symbol });
  const trades = useOwnTrades(market, symbol);
  useAccountEvents(["order", "fill"], (event) => {
    if (event.payload.symbol !== symbol || event.payload.market !== market) return;
    void queryClient.invalidateQueries({ queryKey: event.kind === "fill" ? ["trades"] : ["orders"] });
  });

  const up = theme.palette.success.main;
  const down = theme.palette.error.main;
  const lines: ChartPriceLine[] = useMemo(() => orderLines(openOrders.data ?? [], up, down), [openOrders.data, up, down]);
  const markers: ChartMarker[] = useMemo(
    () => fillMarkers(trades.data ?? [], live.series, seconds),
    [trades.data, live.series, seconds],
  );
  const priceFormat = useMemo(
    () => (tick ? { precision: decimalsOf(tick), minMove: toNumber(tick) } : undefined),
    [tick],
  );

  const caption = history.isError
    ? `Could not load ${interval} history: ${history.error instanceof Error ? history.error.message : "error"}`
    : undefined;
  return (
    <Box sx={{ position: "relative", flex: 1, minHeight: 0 }}>
      <CandlestickChart
        testId="price-chart"
        data={live.series}
        height="100%"
        showVolume
        priceLines={lines}
        markers={markers}
        priceFormat={priceFormat}
        ariaLabel={`${symbol} ${interval} price chart`}
        caption={caption}
      />
      <Box sx={{ position: "absolute", top: 4, left: 8, zIndex: 4, display: "flex", gap: 1, alignItems: "center" }}>
        {history.isPending && (
          <Typography variant="caption" color="text.secondary">
            Loading {interval} candles…
          </Typography>
        )}
        <StaleBadge ageMs={stream.ageMs} staleAfterMs={30_000} />
      </Box>
    </Box>
  );
}
