import { Route, Routes } from "react-router-dom";
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { vi } from "vitest";
import type { Order, OrderDetail } from "../../api/orders";
import type { SessionResponse } from "../../api/types";
import { FakeWebSocket } from "../../test/fakeWebSocket";
import { ADMIN_SESSION, jsonResponse, renderWithProviders } from "../../test/utils";
import { useAuth } from "../../auth/AuthContext";
import { OrdersPage } from "./OrdersPage";

const VIEWER_SESSION: SessionResponse = {
  authenticated: true,
  user: { id: 2, username: "vic", roles: ["viewer"], is_superuser: false },
};

function order(id: number, overrides: Partial<Order> = {}): Order {
  return {
    id,
    client_order_id: `web-${id}`,
    market: "SPOT",
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    time_in_force: "GTC",
    quantity: "0.01000000",
    quote_quantity: null,
    price: "42000.50000000",
    stop_price: null,
    trailing_delta: null,
    callback_rate: null,
    activation_price: null,
    reduce_only: false,
    close_position: false,
    position_side: "",
    working_type: "",
    status: "NEW",
    reject_code: null,
    reject_reason: "",
    reject_explanation: "",
    list_client_order_id: "",
    contingency_type: "",
    exchange_order_id: 1000 + id,
    exchange_algo_id: null,
    exchange_status: "NEW",
    executed_quantity: "0.00400000",
    cumulative_quote: "168.00",
    average_price: null,
    created_at: "2026-11-25T10:00:00Z",
    updated_at: "2026-11-25T10:00:00Z",
    ...overrides,
  };
}

interface Call {
  method: string;
  path: string;
  search: URLSearchParams;
  body: unknown;
}

function stub(session: SessionResponse, handlers: Record<string, (c: Call) => Response> = {}) {
  const calls: Call[] = [];
  let open: Order[] = [order(1), order(2, { symbol: "ETHUSDT", market: "USDM", side: "SELL", external: true })];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), "http://test");
    const call: Call = {
      method: (init.method ?? "GET").toUpperCase(),
      path: url.pathname,
      search: url.searchParams,
      body: init.body ? JSON.parse(String(init.body)) : undefined,
    };
    calls.push(call);
    const custom = handlers[`${call.method} ${call.path}`];
    if (custom) return custom(call);
    if (call.path === "/api/auth/session/") {
      document.cookie = "csrftoken=t";
      return jsonResponse(session);
    }
    if (call.path === "/api/orders/" && call.method === "GET") {
      if (call.search.get("status") === "open") {
        return jsonResponse({ count: open.length, next: null, previous: null, results: open });
      }
      const rows = [order(9, { status: "FILLED", executed_quantity: "0.01", average_price: "41990.1" })];
      return jsonResponse({ count: 120, next: "x", previous: null, results: rows });
    }
    const cancel = /^\/api\/orders\/(\d+)\/cancel\/$/.exec(call.path);
    if (cancel && call.method === "POST") {
      const id = Number(cancel[1]);
      open = open.map((o) => (o.id === id ? { ...o, status: "PENDING_CANCEL" } : o));
      return jsonResponse(open.find((o) => o.id === id), 202);
    }
    return jsonResponse({ detail: "Not found." }, 404);
  });
  vi.stubGlobal("fetch", fetchMock);
  return {
    calls,
    setOpen: (rows: Order[]) => {
      open = rows;
    },
  };
}

/** The page renders before the session answers (no route guard here): wait for the trader's controls. */
async function enabled(testId: string): Promise<HTMLElement> {
  const el = await screen.findByTestId(testId);
  await waitFor(() => expect(screen.getByTestId(testId)).toBeEnabled());
  return screen.getByTestId(testId) ?? el;
}

function WhoAmI() {
  const { user } = useAuth();
  return <div data-testid="whoami">{user?.username ?? ""}</div>;
}

function renderPage(route = "/orders") {
  return renderWithProviders(
    <>
      <WhoAmI />
      <Routes>
        <Route path="/orders" element={<OrdersPage />} />
        <Route path="/orders/:orderId" element={<OrdersPage />} />
      </Routes>
    </>,
    { route },
  );
}

describe("OrdersPage", { timeout: 20_000 }, () => {
  it("lists open orders with the external badge and cancels one", async () => {
    const server = stub(ADMIN_SESSION);
    renderPage();
    const table = await screen.findByTestId("open-orders-table");
    const row1 = await within(table).findByTestId("order-row-1");
    expect(row1).toHaveTextContent("BTCUSDT");
    expect(row1).toHaveTextContent("42,000.5");
    expect(row1).toHaveTextContent("0.004 (40 %)");
    expect(within(row1).queryByText("EXT")).toBeNull();
    expect(within(screen.getByTestId("order-row-2")).getByText("EXT")).toBeInTheDocument();

    await userEvent.click(await enabled("cancel-order-1"));
    await waitFor(() => expect(screen.getByTestId("order-row-1")).toHaveAttribute("data-status", "PENDING_CANCEL"));
    expect(server.calls.some((c) => c.method === "POST" && c.path === "/api/orders/1/cancel/")).toBe(true);
    expect(screen.getByTestId("cancel-order-1")).toBeDisabled();
  });

  it("shows the server's refusal of a cancel", async () => {
    stub(ADMIN_SESSION, {
      "POST /api/orders/1/cancel/": () => jsonResponse({ detail: "The order is FILLED: nothing to cancel." }, 409),
    });
    renderPage();
    await userEvent.click(await enabled("cancel-order-1"));
    expect(await screen.findByTestId("cancel-error")).toHaveTextContent("The order is FILLED: nothing to cancel.");
  });

  it("modifies price inline and shows the server's field error next to the field", async () => {
    const server = stub(ADMIN_SESSION, {
      "PATCH /api/orders/1/": (c) =>
        (c.body as { price?: string }).price === "42000.505"
          ? jsonResponse({ price: ["Price must be a multiple of the tick size 0.01."] }, 400)
          : jsonResponse(order(1, { price: (c.body as { price: string }).price }), 202),
    });
    renderPage();
    await userEvent.click(await enabled("modify-order-1"));
    const price = screen.getByTestId("modify-price-1");
    expect(price).toHaveValue("42000.5");
    await userEvent.clear(price);
    await userEvent.type(price, "42000.505");
    await userEvent.click(screen.getByTestId("modify-save-1"));
    expect(await screen.findByTestId("modify-price-error-1")).toHaveTextContent(
      "Price must be a multiple of the tick size 0.01.",
    );
    // Only the changed field is sent.
    expect(server.calls.find((c) => c.method === "PATCH")?.body).toEqual({ price: "42000.505" });

    await userEvent.clear(price);
    await userEvent.type(price, "abc");
    await userEvent.click(screen.getByTestId("modify-save-1"));
    expect(screen.getByTestId("modify-price-error-1")).toHaveTextContent("A positive number");
    expect(server.calls.filter((c) => c.method === "PATCH")).toHaveLength(1);

    await userEvent.clear(price);
    await userEvent.type(price, "41999.99{Enter}");
    await waitFor(() => expect(screen.queryByTestId("modify-price-1")).toBeNull());
    expect(server.calls.filter((c) => c.method === "PATCH").at(-1)?.body).toEqual({ price: "41999.99" });
  });

  it("cancels all orders of one symbol after confirmation", async () => {
    const server = stub(ADMIN_SESSION, {
      "POST /api/orders/cancel-all/": () => jsonResponse([], 202),
    });
    renderPage();
    await screen.findByTestId("order-row-1");
    await userEvent.click(await enabled("cancel-all"));
    const dialog = await screen.findByRole("dialog", { name: "Cancel open orders" });
    expect(within(dialog).getByTestId("cancel-all-summary")).toHaveTextContent("every open order of the platform: 2");
    await userEvent.click(within(dialog).getByLabelText("One symbol"));
    expect(within(dialog).getByTestId("cancel-all-summary")).toHaveTextContent("every open Spot BTCUSDT order: 1");
    expect(server.calls.some((c) => c.path === "/api/orders/cancel-all/")).toBe(false);
    await userEvent.click(within(dialog).getByTestId("cancel-all-confirm"));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(server.calls.find((c) => c.path === "/api/orders/cancel-all/")?.body).toEqual({
      market: "SPOT",
      symbol: "BTCUSDT",
    });
  });

  it("disables every trading control for a viewer", async () => {
    stub(VIEWER_SESSION);
    renderPage();
    await screen.findByTestId("order-row-1");
    await waitFor(() => expect(screen.getByTestId("whoami")).toHaveTextContent("vic"));
    expect(screen.getByTestId("cancel-order-1")).toBeDisabled();
    expect(screen.getByTestId("cancel-order-2")).toBeDisabled();
    expect(screen.getByTestId("modify-order-1")).toBeDisabled();
    expect(screen.getByTestId("cancel-all")).toBeDisabled();
    await userEvent.hover(screen.getByTestId("cancel-order-1").parentElement!);
    expect(await screen.findByRole("tooltip")).toHaveTextContent("Viewers can't trade");
  });

  it("shows history with filters and pages", async () => {
    const server = stub(ADMIN_SESSION);
    renderPage("/orders?tab=history");
    const table = await screen.findByTestId("order-history-table");
    expect(await within(table).findByTestId("order-row-9")).toHaveTextContent("41,990.1");
    await userEvent.type(screen.getByTestId("orders-filter-symbol"), "eth");
    await waitFor(() =>
      expect(
        server.calls.some((c) => c.path === "/api/orders/" && c.search.get("status") === "closed" && c.search.get("symbol") === "ETH"),
      ).toBe(true),
    );
    await userEvent.click(screen.getByRole("button", { name: /next page/i }));
    await waitFor(() => expect(server.calls.some((c) => c.search.get("page") === "2")).toBe(true));
  });

  it("opens the detail drawer with fills and the event timeline, refreshed by account events", async () => {
    let status = "PARTIALLY_FILLED";
    const detail = (): OrderDetail => ({
      ...order(1, { status: status as Order["status"] }),
      fills: [
        {
          exchange_trade_id: 77,
          price: "42000.50",
          quantity: "0.004",
          quote_quantity: "168.002",
          commission: "0.00000400",
          commission_asset: "BTC",
          is_maker: true,
          realized_pnl: null,
          trade_time: "2026-11-25T10:00:05Z",
        },
      ],
      events: [
        { from_status: "", to_status: "PENDING_NEW", event: "CREATE", source: "api", payload: {}, created_at: "2026-11-25T10:00:00Z" },
        { from_status: "PENDING_NEW", to_status: "NEW", event: "ACCEPT", source: "task", payload: {}, created_at: "2026-11-25T10:00:01Z" },
        {
          from_status: "NEW",
          to_status: "PARTIALLY_FILLED",
          event: "PARTIAL_FILL",
          source: "stream",
          payload: {},
          created_at: "2026-11-25T10:00:05Z",
        },
      ],
    });
    stub(ADMIN_SESSION, { "GET /api/orders/1/": () => jsonResponse(detail()) });
    renderPage("/orders/1");
    const drawer = await screen.findByTestId("order-detail");
    const timeline = await within(drawer).findByTestId("order-timeline");
    expect(within(timeline).getAllByRole("listitem")).toHaveLength(3);
    expect(timeline).toHaveTextContent("User data stream");
    expect(within(drawer).getByTestId("order-fills")).toHaveTextContent("0.000004 BTC");

    const account = FakeWebSocket.instances.filter((w) => w.url.endsWith("/ws/account/")).at(-1)!;
    act(() => {
      account.serverOpen();
      account.serverMessage({ type: "hello", seq: 1 });
    });
    status = "FILLED";
    act(() => account.serverMessage({ type: "event", kind: "order", seq: 2, payload: { id: 1, status: "FILLED" } }));
    await waitFor(() => expect(within(drawer).getAllByText("filled").length).toBeGreaterThan(0));
  });
});
