import { describe, expect, it } from "vitest";
import type { Candle } from "../../../components/chartData";
import {
  EMPTY_LIVE_SERIES,
  candleFromKline,
  candleFromRow,
  capSeries,
  liveSeriesReducer,
  mergeKline,
  type LiveAction,
  type LiveSeries,
} from "./series";

const bar = (time: number, close: string): Candle => ({ time, open: "10", high: "12", low: "9", close, volume: "1" });
const H = [bar(60, "10"), bar(120, "11"), bar(180, "12")];

describe("mergeKline", () => {
  it.each([
    ["updates the newest bar on the same open time", H, bar(180, "12.5"), "updated", ["10", "11", "12.5"]],
    ["appends the next bar", H, bar(240, "13"), "appended", ["10", "11", "12", "13"]],
    ["reports a gap when a bar is skipped", H, bar(300, "13"), "gap", ["10", "11", "12"]],
    ["corrects an older bar it holds", H, bar(120, "11.5"), "corrected", ["10", "11.5", "12"]],
    ["ignores an older bar it does not hold", H, bar(0, "9"), "ignored", ["10", "11", "12"]],
    ["starts an empty series", [], bar(60, "10"), "appended", ["10"]],
  ])("%s", (_name, series, candle, kind, closes) => {
    const result = mergeKline(series, candle, 60);
    expect(result.kind).toBe(kind);
    expect(result.series.map((c) => c.close)).toEqual(closes);
  });

  it("never mutates the series and keeps untouched bars by identity", () => {
    const series = [...H];
    const result = mergeKline(series, bar(180, "99"), 60);
    expect(series[2]?.close).toBe("12");
    expect(result.series[0]).toBe(series[0]);
    expect(result.series[1]).toBe(series[1]);
  });
});

describe("candle conversion", () => {
  it("turns a REST row into a candle in seconds", () => {
    expect(
      candleFromRow({
        open_time: 1_700_000_040_000,
        open: "1.0",
        high: "2.0",
        low: "0.5",
        close: "1.5",
        volume: "10",
        close_time: 1_700_000_099_999,
        quote_volume: "15",
        trades: 3,
      }),
    ).toEqual({ time: 1_700_000_040, open: "1.0", high: "2.0", low: "0.5", close: "1.5", volume: "10" });
  });

  it("turns a stream kline into a candle and refuses malformed ones", () => {
    const k = { t: "1700000040000", T: "1700000099999", o: "1", h: "2", l: "0.5", c: "1.5", v: "3", q: "4", n: "2", x: false, i: "1m" };
    expect(candleFromKline(k)).toEqual({ time: 1_700_000_040, open: "1", high: "2", low: "0.5", close: "1.5", volume: "3" });
    expect(candleFromKline({ ...k, c: "1e5" })).toBeNull();
    expect(candleFromKline({ ...k, t: "soon" })).toBeNull();
  });

  it("caps a series to its newest bars", () => {
    expect(capSeries(H, 2).map((c) => c.time)).toEqual([120, 180]);
    expect(capSeries(H, 5)).toHaveLength(3);
  });
});

describe("liveSeriesReducer", () => {
  const reduce = (state: LiveSeries, action: LiveAction) => liveSeriesReducer(state, action, 60);

  it("holds frames that arrive before the history and replays them onto it", () => {
    let state = reduce(EMPTY_LIVE_SERIES, { type: "kline", candle: bar(180, "12.2") });
    state = reduce(state, { type: "kline", candle: bar(240, "13") });
    expect(state.series).toEqual([]);
    state = reduce(state, { type: "history", candles: H });
    expect(state.series.map((c) => [c.time, c.close])).toEqual([
      [60, "10"],
      [120, "11"],
      [180, "12.2"],
      [240, "13"],
    ]);
    expect(state.refetches).toBe(0);
  });

  it("counts a gap so the caller refetches, and fills it from the new history", () => {
    let state = reduce(EMPTY_LIVE_SERIES, { type: "history", candles: H });
    state = reduce(state, { type: "kline", candle: bar(300, "14") });
    expect(state.refetches).toBe(1);
    expect(state.series).toHaveLength(3);
    state = reduce(state, { type: "history", candles: [...H, bar(240, "13")] });
    expect(state.series.map((c) => c.time)).toEqual([60, 120, 180, 240, 300]);
    expect(state.refetches).toBe(1);
  });

  it("asks again when the first history ends before the live candles", () => {
    let state = reduce(EMPTY_LIVE_SERIES, { type: "kline", candle: bar(300, "14") });
    state = reduce(state, { type: "history", candles: H });
    expect(state.refetches).toBe(1);
  });
});
