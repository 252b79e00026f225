import { useEffect, useRef } from "react";
import { Box, Typography, alpha, useTheme } from "@mui/material";
import {
  CandlestickSeries,
  ColorType,
  HistogramSeries,
  LineStyle,
  createChart,
  createSeriesMarkers,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type Time,
} from "lightweight-charts";
import {
  planChartUpdate,
  toBar,
  toChartData,
  toMarkers,
  toVolumeBar,
  type Candle,
  type ChartMarker,
  type ChartPriceLine,
} from "./chartData";

export interface CandlestickChartProps {
  data: readonly Candle[];
  height?: number | string;
  /** Shown under the chart (and centred over it while there is no data). */
  caption?: string;
  ariaLabel?: string;
  /** Draw volume in a pane under the candles. */
  showVolume?: boolean;
  priceLines?: readonly ChartPriceLine[];
  markers?: readonly ChartMarker[];
  /** Price axis: decimals and smallest move (the symbol's tick). */
  priceFormat?: { precision: number; minMove: number };
  testId?: string;
}

interface ChartRefs {
  chart: IChartApi;
  candles: ISeriesApi<"Candlestick">;
  volume: ISeriesApi<"Histogram"> | null;
  markers: ISeriesMarkersPluginApi<Time>;
  lines: IPriceLine[];
  shown: readonly Candle[] | null;
}

const NO_LINES: readonly ChartPriceLine[] = [];
const NO_MARKERS: readonly ChartMarker[] = [];

export function CandlestickChart({
  data,
  height = 360,
  caption,
  ariaLabel = "Candlestick chart",
  showVolume = false,
  priceLines = NO_LINES,
  markers = NO_MARKERS,
  priceFormat,
  testId = "candlestick-chart",
}: CandlestickChartProps) {
  const theme = useTheme();
  const containerRef = useRef<HTMLDivElement | null>(null);
  const refs = useRef<ChartRefs | null>(null);

  const up = theme.palette.success.main;
  const down = theme.palette.error.main;
  const text = theme.palette.text.secondary;
  const grid = theme.palette.divider;
  const background = theme.palette.background.paper;
  const volumeUp = alpha(up, 0.45);
  const volumeDown = alpha(down, 0.45);

  // The chart lives as long as the component (and the volume choice): colours and data are applied
  // to it, so a theme switch or a new candle never rebuilds it.
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const chart = createChart(container, {
      autoSize: true,
      layout: { attributionLogo: true, fontSize: 11 },
      timeScale: { timeVisible: true, secondsVisible: false },
      crosshair: { mode: 0 },
    });
    const candles = chart.addSeries(CandlestickSeries, { borderVisible: false });
    let volume: ISeriesApi<"Histogram"> | null = null;
    if (showVolume) {
      volume = chart.addSeries(HistogramSeries, { priceFormat: { type: "volume" }, priceLineVisible: false, lastValueVisible: false }, 1);
      chart.panes()[1]?.setStretchFactor(0.25);
    }
    refs.current = { chart, candles, volume, markers: createSeriesMarkers(candles, []), lines: [], shown: null };
    return () => {
      chart.remove();
      refs.current = null;
    };
  }, [showVolume]);

  useEffect(() => {
    const r = refs.current;
    if (!r) return;
    r.chart.applyOptions({
      layout: { background: { type: ColorType.Solid, color: background }, textColor: text },
      grid: { vertLines: { color: grid }, horzLines: { color: grid } },
      rightPriceScale: { borderColor: grid },
      timeScale: { borderColor: grid },
    });
    r.candles.applyOptions({ upColor: up, downColor: down, wickUpColor: up, wickDownColor: down });
    r.shown = null; // volume colours depend on the theme: redraw once
  }, [background, text, grid, up, down, showVolume]);

  useEffect(() => {
    if (priceFormat) refs.current?.candles.applyOptions({ priceFormat: { type: "price", ...priceFormat } });
  }, [priceFormat, showVolume]);

  useEffect(() => {
    const r = refs.current;
    if (!r) return;
    const plan = planChartUpdate(r.shown, data);
    if (plan.kind === "set") {
      r.candles.setData(toChartData(data));
      r.volume?.setData(data.map((c) => toVolumeBar(c, volumeUp, volumeDown)));
      if (data.length > 0) r.chart.timeScale().fitContent();
    } else if (plan.kind === "update") {
      for (const bar of plan.bars) {
        r.candles.update(toBar(bar));
        r.volume?.update(toVolumeBar(bar, volumeUp, volumeDown));
      }
    }
    r.shown = data;
  }, [data, volumeUp, volumeDown, background, text, grid, up, down, showVolume]);

  useEffect(() => {
    const r = refs.current;
    if (!r) return;
    for (const line of r.lines) r.candles.removePriceLine(line);
    r.lines = priceLines.map((line) =>
      r.candles.createPriceLine({
        price: Number(line.price),
        color: line.color,
        lineWidth: 1,
        lineStyle: line.dashed ? LineStyle.Dashed : LineStyle.Solid,
        axisLabelVisible: true,
        title: line.title,
      }),
    );
  }, [priceLines, showVolume]);

  useEffect(() => {
    refs.current?.markers.setMarkers(toMarkers(markers, up, down));
  }, [markers, up, down, showVolume]);

  const empty = data.length === 0;
  const last = data.at(-1);
  return (
    <Box
      component="figure"
      sx={{ m: 0, height: "100%", display: "flex", flexDirection: "column" }}
      data-testid={testId}
      data-bars={data.length}
      data-last-time={last?.time ?? ""}
      data-last-close={last?.close ?? ""}
      data-last-volume={last?.volume ?? ""}
    >
      <Box sx={{ position: "relative", height, width: "100%", flex: typeof height === "string" ? 1 : undefined }}>
        <Box ref={containerRef} role="img" aria-label={ariaLabel} sx={{ position: "absolute", inset: 0 }} />
        {empty && caption && (
          <Box
            aria-hidden
            sx={{
              position: "absolute",
              inset: 0,
              display: "grid",
              placeItems: "center",
              pointerEvents: "none",
              zIndex: 3,
              color: "text.secondary",
            }}
          >
            <Typography variant="body2">No data</Typography>
          </Box>
        )}
      </Box>
      {caption && (
        <Typography component="figcaption" variant="caption" color="text.secondary" sx={{ display: "block", mt: 0.5 }}>
          {caption}
        </Typography>
      )}
    </Box>
  );
}
