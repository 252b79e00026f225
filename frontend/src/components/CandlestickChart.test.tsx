import { beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen } from "@testing-library/react";
import { lightweightChartsMock as lw, resetLightweightChartsMock } from "../test/lightweightChartsMock";
import { CandlestickChart } from "./CandlestickChart";
import { planChartUpdate, toBar, toChartData, toMarkers, toVolumeBar, type Candle } from "./chartData";

vi.mock("lightweight-charts", async () => (await import("../test/lightweightChartsMock")).default);

const A: Candle = { time: 1_700_000_000, open: "37000.10", high: "37100.00", low: "36950.55", close: "37050.00", volume: "12.5" };
const B: Candle = { time: 1_700_000_060, open: "37050.00", high: "37060.00", low: "37000.00", close: "37010.00", volume: "3" };
const B2: Candle = { ...B, close: "37020.00", high: "37070.00" };
const C: Candle = { time: 1_700_000_120, open: "37020.00", high: "37020.00", low: "37020.00", close: "37020.00", volume: "0" };

describe("CandlestickChart", () => {
  beforeEach(() => resetLightweightChartsMock());

  it("creates a chart with a candlestick series, feeds it, and removes it on unmount", () => {
    const { unmount, rerender } = render(<CandlestickChart data={[]} caption="Market data arrives with the market-data service" />);
    expect(lw.module.createChart).toHaveBeenCalledTimes(1);
    expect(lw.chart.addSeries).toHaveBeenCalledWith(lw.module.CandlestickSeries, expect.any(Object));
    expect(lw.series.setData).toHaveBeenLastCalledWith([]);
    expect(screen.getByText("Market data arrives with the market-data service")).toBeInTheDocument();

    rerender(<CandlestickChart data={[A]} />);
    expect(lw.series.setData).toHaveBeenLastCalledWith(toChartData([A]));

    unmount();
    expect(lw.chart.remove).toHaveBeenCalledTimes(1);
  });

  it("draws volume in a second pane and live bars with update(), not a full redraw", () => {
    const first = [A, B];
    const { rerender, getByTestId } = render(<CandlestickChart data={first} showVolume testId="chart" />);
    expect(lw.chart.addSeries).toHaveBeenCalledWith(lw.module.HistogramSeries, expect.any(Object), 1);
    expect(lw.volumeSeries.setData).toHaveBeenCalledTimes(1);
    expect(lw.series.setData).toHaveBeenCalledTimes(1);

    rerender(<CandlestickChart data={[A, B2]} showVolume testId="chart" />);
    expect(lw.series.setData).toHaveBeenCalledTimes(1);
    expect(lw.series.update).toHaveBeenLastCalledWith(toBar(B2));
    expect(getByTestId("chart")).toHaveAttribute("data-last-close", "37020.00");

    rerender(<CandlestickChart data={[A, B2, C]} showVolume testId="chart" />);
    expect(lw.series.update).toHaveBeenLastCalledWith(toBar(C));
    expect(lw.volumeSeries.update).toHaveBeenCalledTimes(2);
    expect(getByTestId("chart")).toHaveAttribute("data-last-time", String(C.time));
    expect(getByTestId("chart")).toHaveAttribute("data-bars", "3");
  });

  it("replaces price lines and sets markers", () => {
    const line = { id: "o1", price: "36000.5", title: "Buy 0.1", color: "green" };
    const { rerender } = render(<CandlestickChart data={[A]} priceLines={[line]} markers={[{ id: "f1", time: A.time, side: "SELL", text: "S" }]} />);
    expect(lw.series.createPriceLine).toHaveBeenCalledWith(expect.objectContaining({ price: 36000.5, title: "Buy 0.1" }));
    expect(lw.markers.setMarkers).toHaveBeenLastCalledWith([expect.objectContaining({ time: A.time, position: "aboveBar", shape: "arrowDown" })]);
    rerender(<CandlestickChart data={[A]} priceLines={[]} />);
    expect(lw.series.removePriceLine).toHaveBeenCalledTimes(1);
    expect(lw.markers.setMarkers).toHaveBeenLastCalledWith([]);
  });
});

describe("chart data", () => {
  it("converts decimal strings to numbers only for drawing", () => {
    expect(toChartData([A])).toEqual([{ time: 1_700_000_000, open: 37000.1, high: 37100, low: 36950.55, close: 37050 }]);
    expect(toVolumeBar(A, "up", "down")).toEqual({ time: A.time, value: 12.5, color: "up" });
    expect(toVolumeBar(B, "up", "down").color).toBe("down");
  });

  it("sorts markers by time", () => {
    const out = toMarkers(
      [
        { id: "2", time: 20, side: "BUY", text: "b" },
        { id: "1", time: 10, side: "SELL", text: "s" },
      ],
      "g",
      "r",
    );
    expect(out.map((m) => [m.time, m.shape, m.color])).toEqual([
      [10, "arrowDown", "r"],
      [20, "arrowUp", "g"],
    ]);
  });

  it.each([
    ["same array", [A, B], "same", { kind: "none" }],
    ["nothing shown yet", null, [A], { kind: "set" }],
    ["last bar changed", [A, B], [A, B2], { kind: "update", bars: [B2] }],
    ["bar appended", [A, B], [A, B, C], { kind: "update", bars: [C] }],
    ["last changed and appended", [A, B], [A, B2, C], { kind: "update", bars: [B2, C] }],
    ["history replaced", [A, B], [{ ...A }, B], { kind: "set" }],
    ["two bars appended", [A], [A, B, C], { kind: "set" }],
    ["shorter", [A, B], [A], { kind: "set" }],
  ] as const)("plans %s", (_name, prev, next, expected) => {
    const previous = prev === null ? null : [...prev];
    const following = next === "same" ? previous! : [...next];
    expect(planChartUpdate(previous, following)).toEqual(expected);
  });
});
