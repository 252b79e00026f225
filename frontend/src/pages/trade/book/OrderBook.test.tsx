import { describe, expect, it, vi } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { dropMarketSocket, marketFrame, openSockets, renderTrade, subscribedStreams } from "../testing";
import { OrderBook } from "./OrderBook";

const DEPTH = {
  bids: [
    ["30000.05", "1.5"],
    ["30000.01", "0.5"],
    ["29999.90", "2"],
  ],
  asks: [
    ["30000.10", "0.25"],
    ["30000.19", "1"],
    ["30001.00", "3"],
  ],
  u: "1001",
};

describe("OrderBook", () => {
  it("subscribes to the depth stream, draws both sides, the spread, and fills the ticket on click", async () => {
    const onPick = vi.fn();
    const user = userEvent.setup();
    renderTrade(<OrderBook market="SPOT" symbol="BTCUSDT" tick="0.01" base="BTC" quote="USDT" onPickPrice={onPick} />);
    openSockets();
    expect(subscribedStreams()).toContain("spot.btcusdt.depth");
    expect(screen.getByText("Waiting for the order book…")).toBeInTheDocument();

    marketFrame("spot.btcusdt.depth", DEPTH, { snapshot: true });
    marketFrame("spot.btcusdt.trade", { a: "9", p: "30000.07", q: "0.1", T: "1700000000000", m: false }, { snapshot: true });
    const book = screen.getByTestId("order-book");
    const rows = within(book).getAllByRole("button", { name: /use this price/ });
    // Asks top-down (worst first), then bids best first.
    expect(rows.map((r) => r.getAttribute("data-testid"))).toEqual([
      "book-ask-30001.00",
      "book-ask-30000.19",
      "book-ask-30000.10",
      "book-bid-30000.05",
      "book-bid-30000.01",
      "book-bid-29999.90",
    ]);
    expect(within(screen.getByTestId("book-bid-29999.90")).getByText("4")).toBeInTheDocument(); // running total
    expect(screen.getByTestId("book-spread")).toHaveTextContent("Spread 0.05 (0.000167%)");
    expect(screen.getByTestId("book-last-price")).toHaveTextContent("30,000.07");
    expect(screen.getByTestId("book-spread")).toHaveTextContent("mid 30,000.075");

    await user.click(screen.getByTestId("book-ask-30000.19"));
    expect(onPick).toHaveBeenCalledWith("30000.19");

    marketFrame("spot.btcusdt.depth", { ...DEPTH, asks: [["30000.06", "1"]] });
    expect(screen.queryByTestId("book-ask-30000.10")).not.toBeInTheDocument();
    expect(screen.getByTestId("book-spread")).toHaveTextContent("Spread 0.01");
    expect(book).toHaveAttribute("data-stale", "false");

    // The last levels stay on screen, greyed, while the socket is down.
    dropMarketSocket();
    expect(book).toHaveAttribute("data-stale", "true");
    expect(screen.getByTestId("book-ask-30000.06")).toBeInTheDocument();
  });

  it("groups levels by a multiple of the tick", async () => {
    const user = userEvent.setup();
    renderTrade(<OrderBook market="USDM" symbol="BTCUSDT" tick="0.01" base="BTC" quote="USDT" onPickPrice={vi.fn()} />);
    openSockets();
    marketFrame("usdm.btcusdt.depth", DEPTH, { snapshot: true });
    await user.click(screen.getByRole("combobox", { name: "Price grouping" }));
    await user.click(await screen.findByRole("option", { name: "1.00" }));
    expect(screen.getByTestId("book-bid-30000")).toHaveTextContent("2");
    expect(screen.getByTestId("book-bid-29999")).toHaveTextContent("4");
    expect(screen.getByTestId("book-ask-30001")).toHaveTextContent("4.25");
    expect(screen.getByTestId("book-ask-30001")).toHaveTextContent("30001.00");
  });
});
