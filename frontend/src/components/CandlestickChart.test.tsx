import { describe, expect, it, vi } from "vitest";
import { render, screen } from "@testing-library/react";
import { lightweightChartsMock as lw } from "../test/lightweightChartsMock";
import { CandlestickChart } from "./CandlestickChart";
import { toChartData, type Candle } from "./chartData";

vi.mock("lightweight-charts", async () => (await import("../test/lightweightChartsMock")).default);

const CANDLES: Candle[] = [
  { time: 1_700_000_000, open: "37000.10", high: "37100.00", low: "36950.55", close: "37050.00" },
];

describe("CandlestickChart", () => {
  it("creates a chart with a candlestick series, feeds it, and removes it on unmount", () => {
    lw.module.createChart.mockClear();
    lw.chart.addSeries.mockClear();
    lw.series.setData.mockClear();
    lw.chart.remove.mockClear();

    const { unmount, rerender } = render(<CandlestickChart data={[]} caption="Market data arrives with the market-data service" />);
    expect(lw.module.createChart).toHaveBeenCalledTimes(1);
    expect(lw.chart.addSeries).toHaveBeenCalledWith(lw.module.CandlestickSeries, expect.any(Object));
    expect(lw.series.setData).toHaveBeenLastCalledWith([]);
    expect(screen.getByText("Market data arrives with the market-data service")).toBeInTheDocument();

    rerender(<CandlestickChart data={CANDLES} />);
    expect(lw.series.setData).toHaveBeenLastCalledWith(toChartData(CANDLES));

    unmount();
    expect(lw.chart.remove).toHaveBeenCalledTimes(1);
  });

  it("converts decimal strings to numbers only for drawing", () => {
    expect(toChartData(CANDLES)).toEqual([
      { time: 1_700_000_000, open: 37000.1, high: 37100, low: 36950.55, close: 37050 },
    ]);
  });
});
