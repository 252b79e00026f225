import { describe, expect, it, vi } from "vitest";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { marketFrame, openSockets, renderTrade } from "../testing";
import { RecentTrades } from "./RecentTrades";

describe("RecentTrades", () => {
  it("lists trades newest first, coloured by the taker's side, and picks a price", async () => {
    const onPick = vi.fn();
    const user = userEvent.setup();
    renderTrade(<RecentTrades market="SPOT" symbol="ETHUSDT" base="ETH" quote="USDT" onPickPrice={onPick} />);
    openSockets();
    marketFrame("spot.ethusdt.trade", { a: "1", p: "2000.10", q: "0.5", T: "1700000000000", m: false }, { snapshot: true });
    marketFrame("spot.ethusdt.trade", { a: "2", p: "2000.00", q: "1.25", T: "1700000001000", m: true });
    const rows = screen.getAllByTestId("recent-trade");
    expect(rows.map((r) => [r.getAttribute("data-side"), r.textContent?.slice(0, r.textContent.length - 8)])).toEqual([
      ["sell", "2000.001.25"],
      ["buy", "2000.100.5"],
    ]);
    await user.click(screen.getByRole("button", { name: "Trade at 2000.10: use this price" }));
    expect(onPick).toHaveBeenCalledWith("2000.10");
  });
});
