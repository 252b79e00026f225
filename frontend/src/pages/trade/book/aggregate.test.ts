import { describe, expect, it } from "vitest";
import { aggregateBook, groupingOptions } from "./aggregate";

const depth = {
  bids: [
    ["100.05", "1"],
    ["100.04", "2"],
    ["99.99", "0.5"],
    ["99.91", "3"],
  ] as [string, string][],
  asks: [
    ["100.07", "1.5"],
    ["100.10", "1"],
    ["100.11", "0.25"],
    ["100.30", "4"],
  ] as [string, string][],
};

describe("aggregateBook", () => {
  it("keeps levels at the tick and sums totals from the best price outward", () => {
    const book = aggregateBook(depth, "0.01", 10);
    expect(book.bids.map((l) => [l.price, l.quantity, l.total])).toEqual([
      ["100.05", "1", "1"],
      ["100.04", "2", "3"],
      ["99.99", "0.5", "3.5"],
      ["99.91", "3", "6.5"],
    ]);
    expect(book.asks.map((l) => [l.price, l.total])).toEqual([
      ["100.07", "1.5"],
      ["100.10", "2.5"],
      ["100.11", "2.75"],
      ["100.30", "6.75"],
    ]);
    expect(book.maxTotal).toBe("6.75");
  });

  it("computes the spread, its percentage of the mid, and the mid from the raw best levels", () => {
    const book = aggregateBook(depth, "0.1", 10);
    expect(book.bestBid).toBe("100.05");
    expect(book.bestAsk).toBe("100.07");
    expect(book.spread).toBe("0.02");
    expect(book.mid).toBe("100.06");
    expect(book.spreadPct).toBe("0.019988");
  });

  it.each([
    // Bids group down and asks up, so a grouped level never looks better than its orders.
    [
      "0.1",
      [["100.0", "3", "3"], ["99.9", "3.5", "6.5"]],
      [["100.1", "2.5", "2.5"], ["100.2", "0.25", "2.75"], ["100.3", "4", "6.75"]],
    ],
    ["1", [["100", "3", "3"], ["99", "3.5", "6.5"]], [["101", "6.75", "6.75"]]],
  ])("groups by %s", (step, bids, asks) => {
    const book = aggregateBook(depth, step, 10);
    expect(book.bids.map((l) => [l.price, l.quantity, l.total])).toEqual(bids);
    expect(book.asks.map((l) => [l.price, l.quantity, l.total])).toEqual(asks);
  });

  it("cuts each side to the limit after grouping", () => {
    const book = aggregateBook(depth, "0.01", 2);
    expect(book.bids.map((l) => l.price)).toEqual(["100.05", "100.04"]);
    expect(book.asks.map((l) => l.price)).toEqual(["100.07", "100.10"]);
  });

  it("sorts unsorted input, drops zero and malformed levels, and reads exponent forms", () => {
    const book = aggregateBook(
      { bids: [["99", "1"], ["100", "0"], ["bad", "1"], ["101", "2E+0"]], asks: [["1.02E+2", "1"]] },
      "1",
      10,
    );
    expect(book.bids.map((l) => [l.price, l.quantity])).toEqual([["101", "2"], ["99", "1"]]);
    expect(book.asks.map((l) => l.price)).toEqual(["102"]);
  });

  it("has no spread with one side empty", () => {
    const book = aggregateBook({ bids: depth.bids, asks: [] }, "0.01", 5);
    expect([book.spread, book.spreadPct, book.mid, book.bestAsk]).toEqual([null, null, null, null]);
    expect(aggregateBook(null, "0.01", 5).bids).toEqual([]);
  });

  it("offers 1, 10, 100 and 1000 ticks as groupings", () => {
    expect(groupingOptions("0.01")).toEqual(["0.01", "0.10", "1.00", "10.00"]);
    expect(groupingOptions("0.5")).toEqual(["0.5", "5.0", "50.0", "500.0"]);
  });
});
