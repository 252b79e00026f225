import { useCallback, useMemo, useState, type ReactNode } from "react";
import { Navigate, useNavigate, useParams, Link as RouterLink } from "react-router-dom";
import { Alert, Box, CircularProgress, Link, Paper, Stack } from "@mui/material";
import { ApiError } from "../../api/client";
import { marketFromPath, type ChartInterval, type Market } from "../../api/market";
import { usePreferences, useSavePreferences } from "../../api/preferences";
import { PairSelector } from "../../components/pairs/PairSelector";
import { decimalsOf } from "../../lib/decimal";
import { PriceChart } from "./chart/PriceChart";
import { OrderBook } from "./book/OrderBook";
import { RecentTrades } from "./trades/RecentTrades";
import { OrderTicket, type OrderTicketProps, type PickedPrice } from "./ticket/OrderTicket";
import { StatsStrip } from "./StatsStrip";
import { useSymbolDetail } from "./queries";
import { defaultPair, initialInterval, tradePath } from "./route";
import { rulesFromDetail } from "./ticket/rules";
import { useLastPrice } from "./useLastPrice";

/** /trade and /trade/:market/:symbol: chart, order book, market trades and the order ticket of one pair. */
export function TradePage() {
  const { market: marketParam, symbol: symbolParam } = useParams();
  const preferences = usePreferences();
  if (!marketParam || !symbolParam) {
    if (preferences.isPending) {
      return (
        <Box sx={{ display: "grid", placeItems: "center", height: 240 }}>
          <CircularProgress size={24} aria-label="Loading preferences" />
        </Box>
      );
    }
    return <Navigate to={tradePath(defaultPair(preferences.data))} replace />;
  }
  const market = marketFromPath(marketParam);
  if (!market) {
    return (
      <Alert severity="error">
        Unknown market “{marketParam}”: use spot or usdm. <Link component={RouterLink} to="/trade">Open the default pair</Link>
      </Alert>
    );
  }
  const symbol = symbolParam.toUpperCase();
  // Keyed: everything (streams, ticket, picked price) starts afresh for another pair.
  return <TradeView key={`${market}:${symbol}`} market={market} symbol={symbol} />;
}

function Pane({ children, area, testId }: { children: ReactNode; area: string; testId?: string }) {
  return (
    <Paper variant="outlined" data-testid={testId} sx={{ gridArea: area, minWidth: 0, minHeight: 0, overflow: "hidden", display: "flex", flexDirection: "column" }}>
      {children}
    </Paper>
  );
}

/** The ticket with the ticker's last price (for market-order estimates); re-renders about once a second. */
function LiveOrderTicket(props: Omit<OrderTicketProps, "lastPrice">) {
  const lastPrice = useLastPrice(props.market, props.symbol, { trades: false });
  return <OrderTicket {...props} lastPrice={lastPrice} />;
}

function TradeView({ market, symbol }: { market: Market; symbol: string }) {
  const navigate = useNavigate();
  const preferences = usePreferences();
  const savePreferences = useSavePreferences();
  const detail = useSymbolDetail(market, symbol);
  const rules = useMemo(() => (detail.data ? rulesFromDetail(detail.data) : null), [detail.data]);

  const [chosenInterval, setChosenInterval] = useState<ChartInterval | null>(null);
  const interval = chosenInterval ?? initialInterval(preferences.data);
  const onIntervalChange = (next: ChartInterval) => {
    setChosenInterval(next);
    if (preferences.data) savePreferences.mutate({ chart_interval: next });
  };

  const [picked, setPicked] = useState<PickedPrice | null>(null);
  const onPickPrice = useCallback((price: string) => setPicked((p) => ({ price, seq: (p?.seq ?? 0) + 1 })), []);

  const base = rules?.base ?? detail.data?.base_asset ?? "";
  const quote = rules?.quote ?? detail.data?.quote_asset ?? "";
  const priceDecimals = rules?.tick ? decimalsOf(rules.tick) : undefined;
  const quantityDecimals = rules?.step ? decimalsOf(rules.step) : undefined;
  const notFound = detail.error instanceof ApiError && detail.error.status === 404;

  return (
    <Box sx={{ display: "flex", flexDirection: "column", gap: 1, height: { lg: "calc(100vh - 112px)" }, minHeight: { lg: 560 } }}>
      <Stack direction="row" spacing={2} sx={{ alignItems: "center", minWidth: 0 }}>
        <Box sx={{ flexShrink: 0 }}>
          <PairSelector value={{ market, symbol }} onChange={(v) => navigate(tradePath(v))} />
        </Box>
        <StatsStrip market={market} symbol={symbol} base={base} quote={quote} priceDecimals={priceDecimals} />
      </Stack>
      {notFound && (
        <Alert severity="error">
          {symbol} is not a listed {market === "USDM" ? "USD-M" : "spot"} symbol. Pick another pair above.
        </Alert>
      )}
      {detail.isError && !notFound && <Alert severity="warning">Could not load {symbol}'s trading rules; the ticket waits for them (amounts must be rounded to them).</Alert>}
      <Box
        sx={{
          flex: 1,
          minHeight: 0,
          display: "grid",
          gap: 1,
          gridTemplateColumns: { xs: "minmax(0, 1fr)", md: "minmax(0, 1fr) 260px", lg: "minmax(0, 1fr) 250px 290px" },
          gridTemplateRows: { xs: "420px auto 360px 280px", md: "300px 220px auto", lg: "minmax(0, 3fr) minmax(0, 2fr)" },
          gridTemplateAreas: {
            xs: '"chart" "ticket" "book" "trades"',
            md: '"chart book" "chart trades" "ticket ticket"',
            lg: '"chart book ticket" "chart trades ticket"',
          },
        }}
      >
        <Pane area="chart">
          <PriceChart market={market} symbol={symbol} interval={interval} onIntervalChange={onIntervalChange} tick={rules?.tick ?? null} />
        </Pane>
        <Pane area="book">
          <OrderBook
            market={market}
            symbol={symbol}
            tick={rules?.tick ?? null}
            quantityDecimals={quantityDecimals}
            base={base}
            quote={quote}
            onPickPrice={onPickPrice}
          />
        </Pane>
        <Pane area="trades">
          <RecentTrades
            market={market}
            symbol={symbol}
            base={base}
            quote={quote}
            priceDecimals={priceDecimals}
            quantityDecimals={quantityDecimals}
            onPickPrice={onPickPrice}
          />
        </Pane>
        <Paper variant="outlined" sx={{ gridArea: "ticket", minWidth: 0, overflowY: "auto" }}>
          <LiveOrderTicket market={market} symbol={symbol} rules={rules} pickedPrice={picked} />
        </Paper>
      </Box>
    </Box>
  );
}
