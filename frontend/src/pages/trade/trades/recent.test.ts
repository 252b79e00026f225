import { describe, expect, it } from "vitest";
import { pushTrade, tradeFromMessage, type RecentTrade } from "./recent";

const t = (id: string): RecentTrade => ({ id, price: "1", quantity: "1", time: 0, buyerMaker: false });

describe("recent trades", () => {
  it("reads a trade message", () => {
    expect(tradeFromMessage({ a: "7", p: "100.5", q: "0.01", T: "1700000000000", m: true })).toEqual({
      id: "7",
      price: "100.5",
      quantity: "0.01",
      time: 1_700_000_000_000,
      buyerMaker: true,
    });
    expect(tradeFromMessage({ a: "7", p: "x", q: "0.01", T: "1", m: true })).toBeNull();
  });

  it("keeps the newest first, caps the list and skips a repeated trade", () => {
    let list: readonly RecentTrade[] = [];
    for (const id of ["1", "2", "3", "3"]) list = pushTrade(list, t(id), 2);
    expect(list.map((x) => x.id)).toEqual(["3", "2"]);
  });
});
