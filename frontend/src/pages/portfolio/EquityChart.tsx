import { useEffect, useRef } from "react";
import { Box, Typography, useTheme } from "@mui/material";
import { AreaSeries, ColorType, createChart, type IChartApi, type ISeriesApi, type UTCTimestamp } from "lightweight-charts";
import type { EquityPoint } from "../../api/portfolio";
import { equitySeriesData } from "./equityData";

/** Equity over time as an area series. Values become numbers here only, for drawing. */
export function EquityChart({ points, height = 280 }: { points: EquityPoint[]; height?: number }) {
  const theme = useTheme();
  const containerRef = useRef<HTMLDivElement | null>(null);
  const chartRef = useRef<IChartApi | null>(null);
  const seriesRef = useRef<ISeriesApi<"Area"> | null>(null);

  const line = theme.palette.primary.main;
  const text = theme.palette.text.secondary;
  const grid = theme.palette.divider;
  const background = theme.palette.background.paper;

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const chart = createChart(container, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: background }, textColor: text, attributionLogo: true },
      grid: { vertLines: { color: grid }, horzLines: { color: grid } },
      rightPriceScale: { borderColor: grid },
      timeScale: { borderColor: grid, timeVisible: true, secondsVisible: false },
    });
    const series = chart.addSeries(AreaSeries, {
      lineColor: line,
      topColor: `${line}66`,
      bottomColor: `${line}05`,
      lineWidth: 2,
      priceFormat: { type: "price", precision: 2, minMove: 0.01 },
    });
    chartRef.current = chart;
    seriesRef.current = series;
    return () => {
      chart.remove();
      chartRef.current = null;
      seriesRef.current = null;
    };
  }, [background, text, grid, line]);

  useEffect(() => {
    const series = seriesRef.current;
    if (!series) return;
    const data = equitySeriesData(points).map((p) => ({ time: p.time as UTCTimestamp, value: p.value }));
    series.setData(data);
    if (data.length > 0) chartRef.current?.timeScale().fitContent();
  }, [points, background, text, grid, line]);

  return (
    <Box sx={{ position: "relative", height, width: "100%" }} data-testid="equity-chart" data-points={points.length}>
      <Box ref={containerRef} role="img" aria-label="Equity curve" sx={{ position: "absolute", inset: 0 }} />
      {points.length === 0 && (
        <Box
          aria-hidden
          sx={{ position: "absolute", inset: 0, display: "grid", placeItems: "center", pointerEvents: "none", zIndex: 3 }}
        >
          <Typography variant="body2" color="text.secondary">
            No equity snapshots in this range yet
          </Typography>
        </Box>
      )}
    </Box>
  );
}
