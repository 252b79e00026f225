import { useEffect, useRef } from "react";
import { Box, Typography, useTheme } from "@mui/material";
import { CandlestickSeries, ColorType, createChart, type IChartApi, type ISeriesApi } from "lightweight-charts";
import { toChartData, type Candle } from "./chartData";

export interface CandlestickChartProps {
  data: readonly Candle[];
  height?: number;
  /** Shown under the chart (and centred over it while there is no data). */
  caption?: string;
  ariaLabel?: string;
}

export function CandlestickChart({ data, height = 360, caption, ariaLabel = "Candlestick chart" }: CandlestickChartProps) {
  const theme = useTheme();
  const containerRef = useRef<HTMLDivElement | null>(null);
  const chartRef = useRef<IChartApi | null>(null);
  const seriesRef = useRef<ISeriesApi<"Candlestick"> | null>(null);

  const up = theme.palette.success.main;
  const down = theme.palette.error.main;
  const text = theme.palette.text.secondary;
  const grid = theme.palette.divider;
  const background = theme.palette.background.paper;

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const chart = createChart(container, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: background },
        textColor: text,
        attributionLogo: true,
      },
      grid: { vertLines: { color: grid }, horzLines: { color: grid } },
      rightPriceScale: { borderColor: grid },
      timeScale: { borderColor: grid, timeVisible: true, secondsVisible: false },
    });
    const series = chart.addSeries(CandlestickSeries, {
      upColor: up,
      downColor: down,
      borderVisible: false,
      wickUpColor: up,
      wickDownColor: down,
    });
    chartRef.current = chart;
    seriesRef.current = series;
    return () => {
      chart.remove();
      chartRef.current = null;
      seriesRef.current = null;
    };
  }, [background, text, grid, up, down]);

  useEffect(() => {
    const series = seriesRef.current;
    if (!series) return;
    series.setData(toChartData(data));
    if (data.length > 0) chartRef.current?.timeScale().fitContent();
  }, [data, background, text, grid, up, down]);

  const empty = data.length === 0;
  return (
    <Box component="figure" sx={{ m: 0 }} data-testid="candlestick-chart">
      <Box sx={{ position: "relative", height, width: "100%" }}>
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
        <Typography component="figcaption" variant="caption" color="text.secondary" sx={{ display: "block", mt: 1 }}>
          {caption}
        </Typography>
      )}
    </Box>
  );
}
