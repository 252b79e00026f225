import { vi } from "vitest";

/** Records what the chart component asks of lightweight-charts (canvas is unavailable in jsdom). */
export function createLightweightChartsMock() {
  const makeSeries = () => ({
    setData: vi.fn(),
    update: vi.fn(),
    applyOptions: vi.fn(),
    createPriceLine: vi.fn((options: { price: number; title?: string }) => ({ options })),
    removePriceLine: vi.fn(),
  });
  /** The candlestick series (and any series type other than histogram). */
  const series = makeSeries();
  /** The volume histogram series. */
  const volumeSeries = makeSeries();
  const markers = { setMarkers: vi.fn(), detach: vi.fn() };
  const timeScale = { fitContent: vi.fn() };
  const pane = { setStretchFactor: vi.fn() };
  const CandlestickSeries = { type: "Candlestick" };
  const HistogramSeries = { type: "Histogram" };
  const chart = {
    addSeries: vi.fn((definition: unknown) => (definition === HistogramSeries ? volumeSeries : series)),
    remove: vi.fn(),
    timeScale: vi.fn(() => timeScale),
    applyOptions: vi.fn(),
    panes: vi.fn(() => [pane, pane]),
  };
  return {
    chart,
    series,
    volumeSeries,
    markers,
    timeScale,
    pane,
    module: {
      createChart: vi.fn(() => chart),
      createSeriesMarkers: vi.fn(() => markers),
      CandlestickSeries,
      HistogramSeries,
      ColorType: { Solid: "solid", VerticalGradient: "gradient" },
      LineStyle: { Solid: 0, Dotted: 1, Dashed: 2, LargeDashed: 3, SparseDotted: 4 },
    },
  };
}

const shared = createLightweightChartsMock();
export const lightweightChartsMock = shared;

/** Forget every recorded call (tests share one mock module). */
export function resetLightweightChartsMock(): void {
  const all = [
    shared.module.createChart,
    shared.module.createSeriesMarkers,
    shared.chart.addSeries,
    shared.chart.remove,
    shared.chart.applyOptions,
    shared.chart.panes,
    shared.chart.timeScale,
    shared.timeScale.fitContent,
    shared.markers.setMarkers,
    shared.pane.setStretchFactor,
    ...[shared.series, shared.volumeSeries].flatMap((s) => Object.values(s)),
  ];
  for (const fn of all) fn.mockClear();
}

export default shared.module;
