import { vi } from "vitest";

/** Records what the chart component asks of lightweight-charts (canvas is unavailable in jsdom). */
export function createLightweightChartsMock() {
  const series = { setData: vi.fn(), applyOptions: vi.fn() };
  const timeScale = { fitContent: vi.fn() };
  const chart = {
    addSeries: vi.fn(() => series),
    remove: vi.fn(),
    timeScale: vi.fn(() => timeScale),
    applyOptions: vi.fn(),
  };
  const CandlestickSeries = { type: "Candlestick" };
  return {
    chart,
    series,
    timeScale,
    module: {
      createChart: vi.fn(() => chart),
      CandlestickSeries,
      ColorType: { Solid: "solid", VerticalGradient: "gradient" },
    },
  };
}

const shared = createLightweightChartsMock();
export const lightweightChartsMock = shared;
export default shared.module;
