import { describe, expect, it } from "vitest";
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { jsonResponse, mockFetch } from "../../../test/utils";
import { accountEvent, openSockets, renderTrade } from "../testing";
import { OrderTicket, type PickedPrice } from "./OrderTicket";
import { SPOT_RULES, USDM_RULES } from "./fixtures";

const PREFS = {
  watched_symbols: [],
  default_market: "SPOT",
  chart_interval: "1m",
  layout: {},
  theme: "dark",
  order_ticket_defaults: {},
  updated_at: null,
};

const BALANCES = [
  { market: "SPOT", asset: "USDT", free: "1000", locked: "0", usdt_price: "1" },
  { market: "SPOT", asset: "BTC", free: "0.5", locked: "0", usdt_price: "30000" },
];

const ORDER = {
  id: 41,
  client_order_id: "t41-abc",
  market: "SPOT",
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  status: "PENDING_NEW",
  quantity: "0.01",
  quote_quantity: null,
  price: "30000",
  stop_price: null,
  executed_quantity: "0",
  average_price: null as string | null,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

type Handler = (url: string, init: RequestInit) => Response | Promise<Response>;

function routes(extra: Record<string, unknown | Handler> = {}, environment = "sim") {
  return mockFetch({
    "/api/preferences/": PREFS,
    "/api/exchange/status/": { environment },
    "/api/balances/?market=SPOT": BALANCES,
    "/api/balances/?market=USDM": [{ market: "USDM", asset: "USDT", available_balance: "200", usdt_price: "1" }],
    "/api/auth/session/": { authenticated: true },
    ...extra,
  });
}

function posts(fetch: ReturnType<typeof mockFetch>) {
  return fetch.mock.calls
    .filter(([url, init]) => url === "/api/orders/" && (init as RequestInit | undefined)?.method === "POST")
    .map(([, init]) => {
      const request = init as RequestInit;
      return { body: JSON.parse(String(request.body)), key: (request.headers as Record<string, string>)["Idempotency-Key"] };
    });
}

function ticket(props: { picked?: PickedPrice | null; market?: "SPOT" | "USDM"; lastPrice?: string | null } = {}) {
  const market = props.market ?? "SPOT";
  return (
    <OrderTicket
      market={market}
      symbol="BTCUSDT"
      rules={market === "SPOT" ? SPOT_RULES : USDM_RULES}
      lastPrice={props.lastPrice === undefined ? "30000" : props.lastPrice}
      pickedPrice={props.picked ?? null}
    />
  );
}

async function fillLimit(user: ReturnType<typeof userEvent.setup>, price: string, quantity: string) {
  await user.type(screen.getByTestId("ticket-price"), price);
  await user.type(screen.getByTestId("ticket-quantity"), quantity);
  await user.tab();
}

// Typing through user-event is slow on a busy machine.
describe("OrderTicket", { timeout: 30_000 }, () => {
  it("shows the rounded value as you type and takes it on blur", async () => {
    routes();
    const user = userEvent.setup();
    renderTrade(ticket());
    const price = screen.getByTestId("ticket-price");
    await user.type(price, "30000.129");
    expect(screen.getByText("Rounds to 30000.13")).toBeInTheDocument();
    await user.type(screen.getByTestId("ticket-quantity"), "0.0123456");
    expect(price).toHaveValue("30000.13");
    expect(screen.getByText("Rounds to 0.01234")).toBeInTheDocument();
    await user.tab();
    expect(screen.getByTestId("ticket-quantity")).toHaveValue("0.01234");
    expect(screen.getByTestId("ticket-notional")).toHaveTextContent("Value ≈ 370.20 USDT");
  });

  it("refuses letters and reads a comma as the decimal point", async () => {
    routes();
    const user = userEvent.setup();
    renderTrade(ticket());
    await user.type(screen.getByTestId("ticket-price"), "1a2,5");
    expect(screen.getByTestId("ticket-price")).toHaveValue("12.5");
  });

  it("sizes the amount from a share of the available balance", async () => {
    routes();
    const user = userEvent.setup();
    renderTrade(ticket());
    await screen.findByText("Available 1,000.00 USDT");
    await user.click(screen.getByRole("button", { name: "25% of available" }));
    expect(screen.getByText("Enter a price first")).toBeInTheDocument();
    await user.type(screen.getByTestId("ticket-price"), "30000");
    await user.click(screen.getByRole("button", { name: "25% of available" }));
    expect(screen.getByTestId("ticket-quantity")).toHaveValue("0.00833");
    await user.click(screen.getByRole("button", { name: "Sell" }));
    expect(screen.getByText("Available 0.50000 BTC")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "50% of available" }));
    expect(screen.getByTestId("ticket-quantity")).toHaveValue("0.25000");
  });

  it("places the order with rounded values and a key, then follows it to its final state", async () => {
    let detail = { ...ORDER, status: "NEW", fills: [], events: [] };
    const fetch = routes({
      "POST /api/orders/": () => jsonResponse(ORDER, 202),
      "GET /api/orders/41/": () => jsonResponse(detail),
    });
    const user = userEvent.setup();
    renderTrade(ticket());
    openSockets();
    await fillLimit(user, "30000.001", "0.01");
    await user.click(screen.getByRole("button", { name: "Buy BTC" }));
    const result = await screen.findByTestId("ticket-result");
    expect(posts(fetch)).toEqual([
      {
        body: { market: "SPOT", symbol: "BTCUSDT", side: "BUY", type: "LIMIT", price: "30000.00", quantity: "0.01000", time_in_force: "GTC" },
        key: expect.stringMatching(/^tkt-/),
      },
    ]);
    await waitFor(() => expect(within(result).getByTestId("ticket-result-status")).toHaveTextContent("NEW"));
    expect(within(result).getByRole("link", { name: "#41" })).toHaveAttribute("href", "/orders/41");
    detail = { ...detail, status: "FILLED", executed_quantity: "0.01", average_price: "30000" };
    accountEvent("order", 1, { id: 41, status: "FILLED", symbol: "BTCUSDT", market: "SPOT" });
    await waitFor(() => expect(within(result).getByTestId("ticket-result-status")).toHaveTextContent("FILLED"));
    expect(within(result).getByTestId("ticket-result-status")).toHaveAttribute("data-final", "true");
  });

  it("shows the server's field errors next to their fields and the rest above the button", async () => {
    routes({
      "POST /api/orders/": () =>
        jsonResponse(
          {
            price: ["Price 30000.00 is above the allowed 120% of the average price."],
            non_field_errors: ["Daily loss limit reached: trading is REDUCE_ONLY."],
          },
          400,
        ),
    });
    const user = userEvent.setup();
    renderTrade(ticket());
    await fillLimit(user, "30000", "0.01");
    await user.click(screen.getByRole("button", { name: "Buy BTC" }));
    const priceField = screen.getByTestId("ticket-price").closest(".MuiFormControl-root") as HTMLElement;
    expect(await within(priceField).findByText("Price 30000.00 is above the allowed 120% of the average price.")).toBeInTheDocument();
    expect(within(screen.getByTestId("ticket-errors")).getByText("Daily loss limit reached: trading is REDUCE_ONLY.")).toBeInTheDocument();
    // Editing the field clears its now outdated message.
    await user.type(screen.getByTestId("ticket-price"), "1");
    expect(within(priceField).queryByText(/average price/)).not.toBeInTheDocument();
  });

  it("names missing fields without calling the server", async () => {
    const fetch = routes();
    const user = userEvent.setup();
    renderTrade(ticket());
    await user.click(screen.getByRole("button", { name: "Buy BTC" }));
    expect(screen.getAllByText("Required")).toHaveLength(2);
    expect(posts(fetch)).toEqual([]);
  });

  it("reuses the idempotency key when the same submission is retried, and a new order gets a new key", async () => {
    let attempt = 0;
    const fetch = routes({
      "POST /api/orders/": () => {
        attempt += 1;
        if (attempt === 1) return Promise.reject(new TypeError("Failed to fetch"));
        return jsonResponse(ORDER, attempt === 2 ? 200 : 202);
      },
      "GET /api/orders/41/": { ...ORDER, fills: [], events: [] },
    });
    const user = userEvent.setup();
    renderTrade(ticket());
    await fillLimit(user, "30000", "0.01");
    await user.click(screen.getByRole("button", { name: "Buy BTC" }));
    expect(await screen.findByText(/may or may not have been placed/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Buy BTC" }));
    await screen.findByTestId("ticket-result");
    await user.click(screen.getByRole("button", { name: "Buy BTC" }));
    await waitFor(() => expect(posts(fetch)).toHaveLength(3));
    const [first, retry, next] = posts(fetch);
    expect(retry?.key).toBe(first?.key);
    expect(retry?.body).toEqual(first?.body);
    expect(next?.key).not.toBe(first?.key);
  });

  it("never sends two orders for a double click", async () => {
    const fetch = routes({ "POST /api/orders/": () => jsonResponse(ORDER, 202), "GET /api/orders/41/": { ...ORDER, fills: [], events: [] } });
    const user = userEvent.setup();
    renderTrade(ticket());
    await fillLimit(user, "30000", "0.001");
    const button = screen.getByRole("button", { name: "Buy BTC" });
    act(() => {
      button.click();
      button.click();
    });
    await screen.findByTestId("ticket-result");
    expect(posts(fetch)).toHaveLength(1);
  });

  it("asks for confirmation above the notional threshold and sends only when confirmed", async () => {
    const fetch = routes({ "POST /api/orders/": () => jsonResponse(ORDER, 202), "GET /api/orders/41/": { ...ORDER, fills: [], events: [] } });
    const user = userEvent.setup();
    renderTrade(ticket());
    await fillLimit(user, "30000", "0.1");
    await user.click(screen.getByRole("button", { name: "Buy BTC" }));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByText(/above your confirmation threshold of 1000 USDT/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(posts(fetch)).toEqual([]);
    await user.click(screen.getByRole("button", { name: "Buy BTC" }));
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Confirm: Buy BTC" }));
    await screen.findByTestId("ticket-result");
    expect(posts(fetch)).toHaveLength(1);
  });

  it("sends a small order on SIM without asking", async () => {
    const fetch = routes({ "POST /api/orders/": () => jsonResponse(ORDER, 202), "GET /api/orders/41/": { ...ORDER, fills: [], events: [] } });
    const user = userEvent.setup();
    renderTrade(ticket());
    await screen.findByText("Available 1,000.00 USDT");
    await waitFor(() => expect(fetch).toHaveBeenCalledWith("/api/exchange/status/", expect.anything()));
    await fillLimit(user, "30000", "0.001");
    await user.click(screen.getByRole("button", { name: "Buy BTC" }));
    await screen.findByTestId("ticket-result");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("always asks on the LIVE exchange, however small the order", async () => {
    const fetch = routes({}, "live");
    const user = userEvent.setup();
    renderTrade(ticket());
    await waitFor(() => expect(fetch).toHaveBeenCalledWith("/api/exchange/status/", expect.anything()));
    await fillLimit(user, "30000", "0.001");
    await user.click(screen.getByRole("button", { name: "Buy BTC" }));
    expect(await within(await screen.findByRole("dialog")).findByText("This order goes to the LIVE exchange: real money.")).toBeInTheDocument();
    expect(posts(fetch)).toEqual([]);
  });

  it("takes a price picked in the book", () => {
    routes();
    const { rerender } = renderTrade(ticket());
    rerender(ticket({ picked: { price: "30100.456", seq: 1 } }));
    expect(screen.getByTestId("ticket-price")).toHaveValue("30100.46");
  });

  it("is disabled for viewers, says why, and never posts", async () => {
    const fetch = routes();
    const user = userEvent.setup();
    renderTrade(ticket(), { role: "viewer" });
    expect(screen.getByTestId("ticket-viewer-note")).toHaveTextContent("Viewers can't trade");
    expect(screen.getByTestId("ticket-price")).toBeDisabled();
    expect(screen.getByTestId("ticket-quantity")).toBeDisabled();
    const submit = screen.getByTestId("ticket-submit");
    expect(submit).toBeDisabled();
    await user.hover(submit.parentElement as HTMLElement);
    expect(await screen.findByRole("tooltip")).toHaveTextContent("Viewers can't trade");
    expect(posts(fetch)).toEqual([]);
  });

  it("shows futures settings, changes leverage and shows what the exchange reports", async () => {
    const settings = { symbol: "BTCUSDT", leverage: 10, max_leverage: 125, margin_type: "CROSSED", position_mode: "one-way" };
    const fetch = routes({
      "/api/futures/settings/?symbol=BTCUSDT": settings,
      "POST /api/futures/leverage/": () => jsonResponse({ ...settings, leverage: 20 }),
    });
    const user = userEvent.setup();
    renderTrade(ticket({ market: "USDM" }));
    const leverage = await screen.findByDisplayValue("10");
    expect(screen.getByTestId("ticket-available")).toHaveTextContent("200.00 USDT · 10x");
    await user.clear(leverage);
    await user.type(leverage, "20");
    await user.click(screen.getByRole("button", { name: "Set" }));
    await waitFor(() => expect(screen.getByTestId("ticket-available")).toHaveTextContent("· 20x"));
    const call = fetch.mock.calls.find(([url]) => url === "/api/futures/leverage/");
    expect(JSON.parse(String((call?.[1] as RequestInit).body))).toEqual({ symbol: "BTCUSDT", leverage: 20 });
    // 100% at 20x of 200 USDT at the last price 30000: 0.133 BTC.
    await user.type(screen.getByTestId("ticket-price"), "30000");
    await user.click(screen.getByRole("button", { name: "100% of available" }));
    expect(screen.getByTestId("ticket-quantity")).toHaveValue("0.133");
    expect(screen.getByRole("checkbox", { name: "Reduce-only" })).toBeInTheDocument();
  });
});
