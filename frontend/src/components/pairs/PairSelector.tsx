import { useDeferredValue, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import {
  Box,
  Button,
  CircularProgress,
  IconButton,
  InputAdornment,
  Popover,
  Tab,
  Tabs,
  TextField,
  Typography,
} from "@mui/material";
import ArrowDropDownIcon from "@mui/icons-material/ArrowDropDown";
import SearchIcon from "@mui/icons-material/Search";
import StarIcon from "@mui/icons-material/Star";
import StarBorderIcon from "@mui/icons-material/StarBorder";
import { marketLabel, symbolStream, useSymbolSearch } from "../../api/symbols";
import { useMarketStream, useMarketStreams } from "../../realtime";
import {
  changeDirection,
  changePercent,
  formatPrice,
  groupLines,
  isMiniTicker,
  visibleRange,
  watchedLines,
  type ListLine,
  type MiniTicker,
  type PairValue,
} from "./pairRows";
import { useWatchlist } from "./useWatchlist";

export interface PairSelectorProps {
  value: PairValue | null;
  onChange: (value: PairValue) => void;
}

type TabValue = "ALL" | "SPOT" | "USDM" | "WATCH";

const LINE_HEIGHT = 32;
const VIEWPORT_HEIGHT = 352; // 11 lines
const PAGE_STEP = 60;

const DIRECTION_COLOR = { up: "success.main", down: "error.main", flat: "text.secondary" } as const;

function ChangeText({ ticker }: { ticker: MiniTicker | undefined }) {
  if (!ticker) return <Typography variant="caption" color="text.disabled">—</Typography>;
  const pct = changePercent(ticker);
  const dir = changeDirection(pct);
  return (
    <Typography variant="caption" sx={{ color: DIRECTION_COLOR[dir], fontVariantNumeric: "tabular-nums" }}>
      {pct === null ? "—" : `${dir === "up" ? "+" : ""}${pct} %`}
    </Typography>
  );
}

/**
 * Pair selector: a button showing the current pair with its live price and 24 h change; it opens
 * a searchable list grouped by market, with a star per pair for the watch list (saved in the
 * user's preferences). Only the pairs scrolled into view are subscribed to the live ticker.
 */
export function PairSelector({ value, onChange }: PairSelectorProps) {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const stream = value ? symbolStream(value.market, value.symbol, "miniticker") : null;
  const { last } = useMarketStream(stream);
  const ticker = last && isMiniTicker(last.data) ? last.data : undefined;

  return (
    <>
      <Button
        data-testid="pair-selector"
        variant="outlined"
        color="inherit"
        onClick={(e) => setAnchor(e.currentTarget)}
        aria-haspopup="dialog"
        aria-expanded={anchor ? "true" : undefined}
        aria-label={value ? `Pair ${value.symbol} ${marketLabel(value.market)}; change pair` : "Choose a pair"}
        endIcon={<ArrowDropDownIcon />}
        sx={{ justifyContent: "flex-start", gap: 1, borderColor: "divider", minWidth: 220 }}
      >
        {value ? (
          <>
            <Box component="span" sx={{ fontWeight: 700 }} data-testid="pair-selector-symbol">
              {value.symbol}
            </Box>
            <Typography component="span" variant="caption" color="text.secondary">
              {marketLabel(value.market)}
            </Typography>
            <Box component="span" sx={{ fontVariantNumeric: "tabular-nums", fontWeight: 500 }}>
              {ticker ? formatPrice(ticker.c) : ""}
            </Box>
            <ChangeText ticker={ticker} />
          </>
        ) : (
          "Choose a pair"
        )}
      </Button>
      <Popover
        open={anchor !== null}
        anchorEl={anchor}
        onClose={() => setAnchor(null)}
        anchorOrigin={{ vertical: "bottom", horizontal: "left" }}
        slotProps={{ paper: { sx: { width: 420, maxWidth: "95vw" } } }}
      >
        <PairPanel
          value={value}
          onPick={(v) => {
            setAnchor(null);
            onChange(v);
          }}
        />
      </Popover>
    </>
  );
}

function PairPanel({ value, onPick }: { value: PairValue | null; onPick: (v: PairValue) => void }) {
  const listId = useId();
  const [search, setSearch] = useState("");
  const term = useDeferredValue(search);
  const [tab, setTab] = useState<TabValue>("ALL");
  const [pageSize, setPageSize] = useState(PAGE_STEP);
  const [scrollTop, setScrollTop] = useState(0);
  const [active, setActive] = useState(-1);
  const [tickers, setTickers] = useState<Record<string, MiniTicker>>({});
  const listRef = useRef<HTMLDivElement>(null);
  const watch = useWatchlist();

  const spot = useSymbolSearch(
    { market: "SPOT", search: term, pageSize },
    { enabled: tab === "ALL" || tab === "SPOT" },
  );
  const usdm = useSymbolSearch(
    { market: "USDM", search: term, pageSize },
    { enabled: tab === "ALL" || tab === "USDM" },
  );

  const lines: ListLine[] = useMemo(() => {
    if (tab === "WATCH") return watchedLines(watch.keys, term);
    const rows = [
      ...(tab !== "USDM" ? (spot.data?.results ?? []) : []),
      ...(tab !== "SPOT" ? (usdm.data?.results ?? []) : []),
    ];
    return groupLines(rows);
  }, [tab, watch.keys, term, spot.data, usdm.data]);

  const hasMore =
    tab !== "WATCH" &&
    [tab !== "USDM" ? spot.data : undefined, tab !== "SPOT" ? usdm.data : undefined].some(
      (page) => page !== undefined && page.count > page.results.length,
    );
  const loading = tab !== "WATCH" && (spot.isFetching || usdm.isFetching);
  const failed = tab !== "WATCH" && (spot.isError || usdm.isError);

  const [first, last] = visibleRange(scrollTop, VIEWPORT_HEIGHT, LINE_HEIGHT, lines.length);
  const visible = lines.slice(first, last + 1);
  const streams = visible.flatMap((l) => (l.kind === "pair" ? [l.stream] : []));
  useMarketStreams(streams, (frame) => {
    const data = frame.data;
    if (!isMiniTicker(data)) return;
    setTickers((prev) => {
      const old = prev[frame.stream];
      return old && old.c === data.c && old.o === data.o ? prev : { ...prev, [frame.stream]: { c: data.c, o: data.o } };
    });
  });

  const pairIndexes = lines.flatMap((l, i) => (l.kind === "pair" ? [i] : []));

  function reset() {
    setActive(-1);
    setScrollTop(0);
    if (listRef.current) listRef.current.scrollTop = 0;
  }

  function moveActive(delta: number) {
    if (pairIndexes.length === 0) return;
    const at = pairIndexes.indexOf(active);
    const next = pairIndexes[Math.min(pairIndexes.length - 1, Math.max(0, at === -1 ? 0 : at + delta))] ?? -1;
    setActive(next);
    const el = listRef.current;
    if (el && next >= 0) {
      const top = next * LINE_HEIGHT;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + LINE_HEIGHT > el.scrollTop + VIEWPORT_HEIGHT) el.scrollTop = top + LINE_HEIGHT - VIEWPORT_HEIGHT;
      setScrollTop(el.scrollTop);
    }
  }

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      moveActive(1);
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      moveActive(-1);
    } else if (e.key === "Enter") {
      const line = lines[active] ?? lines[pairIndexes[0] ?? -1];
      if (line && line.kind === "pair") {
        e.preventDefault();
        onPick({ market: line.market, symbol: line.symbol });
      }
    }
  }

  const activeLine = lines[active];

  return (
    <Box sx={{ p: 1 }} data-testid="pair-panel">
      <TextField
        autoFocus
        fullWidth
        placeholder="Search symbol or asset"
        value={search}
        onChange={(e) => {
          setSearch(e.target.value);
          setPageSize(PAGE_STEP);
          reset();
        }}
        onKeyDown={onKeyDown}
        slotProps={{
          htmlInput: {
            "aria-label": "Search pairs",
            "data-testid": "pair-search",
            role: "combobox",
            "aria-expanded": true,
            "aria-controls": listId,
            "aria-activedescendant": activeLine?.kind === "pair" ? `${listId}-${activeLine.key}` : undefined,
            autoComplete: "off",
            spellCheck: false,
          },
          input: {
            startAdornment: (
              <InputAdornment position="start">
                <SearchIcon fontSize="small" />
              </InputAdornment>
            ),
            endAdornment: loading ? (
              <InputAdornment position="end">
                <CircularProgress size={14} aria-label="Searching" />
              </InputAdornment>
            ) : undefined,
          },
        }}
      />
      <Tabs
        value={tab}
        onChange={(_e, v: TabValue) => {
          setTab(v);
          reset();
        }}
        variant="fullWidth"
        sx={{ minHeight: 36, "& .MuiTab-root": { minHeight: 36, minWidth: 0, py: 0.5, px: 1 } }}
        aria-label="Market"
      >
        <Tab value="ALL" label="All" />
        <Tab value="SPOT" label="Spot" />
        <Tab value="USDM" label="USD-M" />
        <Tab value="WATCH" label={`★ Watch ${watch.keys.length}`} data-testid="pair-tab-watch" />
      </Tabs>
      <Box
        sx={{ display: "grid", gridTemplateColumns: "28px 1fr 110px 72px", px: 1, py: 0.5, color: "text.secondary" }}
        aria-hidden
      >
        <span />
        <Typography variant="caption">Pair</Typography>
        <Typography variant="caption" sx={{ textAlign: "right" }}>
          Last price
        </Typography>
        <Typography variant="caption" sx={{ textAlign: "right" }}>
          24 h
        </Typography>
      </Box>
      <Box
        ref={listRef}
        id={listId}
        role="listbox"
        aria-label="Pairs"
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        sx={{ height: VIEWPORT_HEIGHT, overflowY: "auto", position: "relative" }}
      >
        <Box sx={{ height: lines.length * LINE_HEIGHT, position: "relative" }}>
          {visible.map((line, i) => {
            const index = first + i;
            const top = index * LINE_HEIGHT;
            if (line.kind === "header") {
              return (
                <Box
                  key={line.key}
                  role="presentation"
                  sx={{
                    position: "absolute",
                    top,
                    left: 0,
                    right: 0,
                    height: LINE_HEIGHT,
                    display: "flex",
                    alignItems: "center",
                    px: 1,
                    bgcolor: "action.hover",
                  }}
                >
                  <Typography variant="overline" sx={{ lineHeight: 1, fontWeight: 700 }}>
                    {line.label}
                  </Typography>
                </Box>
              );
            }
            const selected = value?.market === line.market && value.symbol === line.symbol;
            const watched = watch.isWatched(line.market, line.symbol);
            const ticker = tickers[line.stream];
            return (
              <Box
                key={line.key}
                id={`${listId}-${line.key}`}
                role="option"
                aria-selected={selected}
                data-testid={`pair-option-${line.market}-${line.symbol}`}
                onClick={() => onPick({ market: line.market, symbol: line.symbol })}
                onMouseEnter={() => setActive(index)}
                sx={{
                  position: "absolute",
                  top,
                  left: 0,
                  right: 0,
                  height: LINE_HEIGHT,
                  display: "grid",
                  gridTemplateColumns: "28px 1fr 110px 72px",
                  alignItems: "center",
                  px: 1,
                  cursor: "pointer",
                  bgcolor: index === active ? "action.selected" : selected ? "action.focus" : undefined,
                }}
              >
                <IconButton
                  size="small"
                  aria-label={watched ? `Remove ${line.symbol} from watch list` : `Add ${line.symbol} to watch list`}
                  aria-pressed={watched}
                  data-testid={`pair-star-${line.market}-${line.symbol}`}
                  onClick={(e) => {
                    e.stopPropagation();
                    watch.toggle(line.market, line.symbol);
                  }}
                  sx={{ p: 0.25, color: watched ? "primary.main" : "text.disabled" }}
                >
                  {watched ? <StarIcon fontSize="small" /> : <StarBorderIcon fontSize="small" />}
                </IconButton>
                <Box sx={{ minWidth: 0, display: "flex", alignItems: "baseline", gap: 0.75 }}>
                  <Typography variant="body2" sx={{ fontWeight: 600 }} noWrap>
                    {line.base && line.quote ? (
                      <>
                        {line.base}
                        <Typography component="span" variant="body2" color="text.secondary">
                          /{line.quote}
                        </Typography>
                      </>
                    ) : (
                      line.symbol
                    )}
                  </Typography>
                  {line.market === "USDM" && (
                    <Typography variant="caption" color="text.secondary">
                      Perp
                    </Typography>
                  )}
                  {line.status !== "TRADING" && (
                    <Typography variant="caption" color="warning.main">
                      {line.status}
                    </Typography>
                  )}
                </Box>
                <Typography
                  variant="body2"
                  sx={{ textAlign: "right", fontVariantNumeric: "tabular-nums" }}
                  data-testid={`pair-price-${line.market}-${line.symbol}`}
                >
                  {ticker ? formatPrice(ticker.c) : "—"}
                </Typography>
                <Box sx={{ textAlign: "right" }}>
                  <ChangeText ticker={ticker} />
                </Box>
              </Box>
            );
          })}
        </Box>
        {lines.length === 0 && (
          <Typography variant="body2" color="text.secondary" sx={{ p: 2, position: "absolute", top: 0 }}>
            {failed
              ? "Symbols could not be loaded."
              : tab === "WATCH"
                ? "No starred pairs yet: star a pair to keep it here."
                : loading
                  ? "Searching…"
                  : `No pair matches “${term}”.`}
          </Typography>
        )}
      </Box>
      {hasMore && (
        <Button size="small" fullWidth onClick={() => setPageSize((n) => Math.min(500, n + PAGE_STEP))}>
          Show more
        </Button>
      )}
      {watch.error && (
        <Typography variant="caption" color="error" role="alert" sx={{ display: "block", px: 1 }}>
          The watch list could not be saved: {watch.error.message}
        </Typography>
      )}
    </Box>
  );
}
