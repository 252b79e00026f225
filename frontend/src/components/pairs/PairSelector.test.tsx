import { useState } from "react";
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { vi } from "vitest";
import type { Preferences } from "../../api/preferences";
import type { SymbolRow } from "../../api/symbols";
import { FakeWebSocket } from "../../test/fakeWebSocket";
import { ADMIN_SESSION, jsonResponse, renderWithProviders } from "../../test/utils";
import { PairSelector } from "./PairSelector";
import { changePercent, groupLines, visibleRange } from "./pairRows";

function row(market: "SPOT" | "USDM", base: string, quote = "USDT"): SymbolRow {
  return {
    market,
    symbol: `${base}${quote}`,
    status: "TRADING",
    is_listed: true,
    base_asset: base,
    quote_asset: quote,
    margin_asset: market === "USDM" ? quote : "",
    tradable: true,
  };
}

const SPOT = ["BTC", "ETH", "ETC", "BNB", "SOL", "XRP", "ADA", "DOGE", "DOT", "LTC", "LINK", "AVAX", "ATOM", "TRX"].map(
  (b) => row("SPOT", b),
);
const USDM = ["BTC", "ETH"].map((b) => row("USDM", b));

interface Server {
  prefs: Preferences;
  puts: unknown[];
  searches: URLSearchParams[];
}

function stubServer(): Server {
  const server: Server = {
    prefs: {
      watched_symbols: ["USDM:BTCUSDT"],
      default_market: "SPOT",
      chart_interval: "1m",
      layout: {},
      theme: "dark",
      order_ticket_defaults: {},
      updated_at: null,
    },
    puts: [],
    searches: [],
  };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const url = new URL(String(input), "http://test");
      const method = (init.method ?? "GET").toUpperCase();
      if (url.pathname === "/api/auth/session/") {
        document.cookie = "csrftoken=t";
        return jsonResponse(ADMIN_SESSION);
      }
      if (url.pathname === "/api/preferences/") {
        if (method === "PUT") {
          const body = JSON.parse(String(init.body)) as Partial<Preferences>;
          server.puts.push(body);
          server.prefs = { ...server.prefs, ...body };
        }
        return jsonResponse(server.prefs);
      }
      if (url.pathname === "/api/symbols/") {
        server.searches.push(url.searchParams);
        const market = url.searchParams.get("market");
        const term = (url.searchParams.get("search") ?? "").toUpperCase();
        const rows = (market === "USDM" ? USDM : SPOT).filter(
          (r) => !term || r.symbol.startsWith(term) || r.base_asset.startsWith(term),
        );
        return jsonResponse({ count: rows.length, next: null, previous: null, results: rows });
      }
      return jsonResponse({ detail: "Not found." }, 404);
    }),
  );
  return server;
}

function Harness({ onChange }: { onChange: (v: { market: "SPOT" | "USDM"; symbol: string }) => void }) {
  const [value, setValue] = useState<{ market: "SPOT" | "USDM"; symbol: string } | null>({
    market: "SPOT",
    symbol: "BTCUSDT",
  });
  return (
    <PairSelector
      value={value}
      onChange={(v) => {
        setValue(v);
        onChange(v);
      }}
    />
  );
}

function marketSocket(): FakeWebSocket {
  const ws = FakeWebSocket.instances.filter((w) => w.url.endsWith("/ws/market/")).at(-1);
  if (!ws) throw new Error("no market socket");
  return ws;
}

// Rendering MUI in jsdom on a shared machine is slow: allow time, the assertions stay strict.
describe("PairSelector", { timeout: 20_000 }, () => {
  it("searches, groups by market, and picks a pair", async () => {
    const server = stubServer();
    const onChange = vi.fn();
    renderWithProviders(<Harness onChange={onChange} />);
    await userEvent.click(await screen.findByTestId("pair-selector"));
    expect(await screen.findByTestId("pair-option-SPOT-BTCUSDT")).toBeInTheDocument();
    const list = screen.getByRole("listbox", { name: "Pairs" });
    expect(within(list).getByText("Spot")).toBeInTheDocument();

    await userEvent.type(screen.getByTestId("pair-search"), "et");
    await waitFor(() => expect(screen.queryByTestId("pair-option-SPOT-BTCUSDT")).toBeNull());
    expect(screen.getByTestId("pair-option-SPOT-ETHUSDT")).toBeInTheDocument();
    expect(screen.getByTestId("pair-option-SPOT-ETCUSDT")).toBeInTheDocument();
    expect(screen.getByTestId("pair-option-USDM-ETHUSDT")).toBeInTheDocument();
    expect(within(list).getByText("USD-M")).toBeInTheDocument();
    expect(server.searches.some((q) => q.get("search") === "ET" && q.get("market") === "USDM")).toBe(true);

    await userEvent.click(screen.getByTestId("pair-option-USDM-ETHUSDT"));
    expect(onChange).toHaveBeenCalledWith({ market: "USDM", symbol: "ETHUSDT" });
    await waitFor(() => expect(screen.getByTestId("pair-selector-symbol")).toHaveTextContent("ETHUSDT"));
  });

  it("picks with the keyboard", async () => {
    stubServer();
    const onChange = vi.fn();
    renderWithProviders(<Harness onChange={onChange} />);
    await userEvent.click(await screen.findByTestId("pair-selector"));
    await screen.findByTestId("pair-option-SPOT-ETHUSDT");
    await userEvent.keyboard("{ArrowDown}{ArrowDown}{Enter}");
    expect(onChange).toHaveBeenCalledWith({ market: "SPOT", symbol: "ETHUSDT" });
  });

  it("stars a pair into the saved watch list and shows it under Watch", async () => {
    const server = stubServer();
    renderWithProviders(<Harness onChange={vi.fn()} />);
    await userEvent.click(await screen.findByTestId("pair-selector"));
    const star = await screen.findByTestId("pair-star-SPOT-ETHUSDT");
    expect(star).toHaveAttribute("aria-pressed", "false");
    await waitFor(() => expect(screen.getByTestId("pair-tab-watch")).toHaveTextContent("Watch 1"));
    await userEvent.click(star);
    await waitFor(() => expect(server.puts).toEqual([{ watched_symbols: ["USDM:BTCUSDT", "SPOT:ETHUSDT"] }]));
    expect(screen.getByTestId("pair-star-SPOT-ETHUSDT")).toHaveAttribute("aria-pressed", "true");

    await userEvent.click(screen.getByTestId("pair-tab-watch"));
    expect(screen.getByTestId("pair-option-SPOT-ETHUSDT")).toBeInTheDocument();
    expect(screen.getByTestId("pair-star-USDM-BTCUSDT")).toHaveAttribute("aria-pressed", "true");
    expect(screen.queryByTestId("pair-option-SPOT-BNBUSDT")).toBeNull();

    // Un-starring removes it from the saved list.
    await userEvent.click(screen.getByTestId("pair-star-USDM-BTCUSDT"));
    await waitFor(() => expect(server.puts.at(-1)).toEqual({ watched_symbols: ["SPOT:ETHUSDT"] }));
  });

  it("shows live price and 24 h change, subscribing only the rows in view", async () => {
    stubServer();
    renderWithProviders(<Harness onChange={vi.fn()} />);
    await userEvent.click(await screen.findByTestId("pair-selector"));
    await screen.findByTestId("pair-option-SPOT-TRXUSDT").catch(() => undefined);
    await screen.findByTestId("pair-option-SPOT-ETHUSDT");
    const ws = marketSocket();
    act(() => ws.serverOpen());
    await waitFor(() => {
      const subscribed = ws.sent.map((s) => JSON.parse(s) as { streams: string[] }).flatMap((m) => m.streams);
      expect(subscribed).toContain("spot.ethusdt.miniticker");
    });
    const subscribed = ws.sent.map((s) => JSON.parse(s) as { streams: string[] }).flatMap((m) => m.streams);
    // 1 heading + 14 spot + 1 heading + 2 usdm lines; the viewport holds 11 (+2 overscan).
    expect(subscribed).not.toContain("usdm.ethusdt.miniticker");
    expect(subscribed).not.toContain("spot.trxusdt.miniticker");
    act(() =>
      ws.serverMessage({
        type: "snapshot",
        stream: "spot.ethusdt.miniticker",
        message: { E: "1", data: { c: "3150.50000000", o: "3000.00000000" } },
      }),
    );
    expect(screen.getByTestId("pair-price-SPOT-ETHUSDT")).toHaveTextContent("3,150.5");
    expect(screen.getByTestId("pair-option-SPOT-ETHUSDT")).toHaveTextContent("+5.02 %");
  });
});

describe("pair helpers", () => {
  it("groups Spot before USD-M with headings", () => {
    const lines = groupLines([row("USDM", "BTC"), row("SPOT", "ETH")]);
    expect(lines.map((l) => l.key)).toEqual(["header-SPOT", "SPOT:ETHUSDT", "header-USDM", "USDM:BTCUSDT"]);
  });

  it.each([
    [0, 352, 32, 100, [0, 12]],
    [320, 352, 32, 100, [8, 22]],
    [0, 352, 32, 5, [0, 4]],
    [0, 352, 32, 0, [0, -1]],
  ])("visibleRange(%d, %d, %d, %d) = %j", (top, h, lh, total, out) => {
    expect(visibleRange(top, h, lh, total)).toEqual(out);
  });

  it.each([
    ["105", "100", "5.00"],
    ["99.5", "100", "-0.50"],
    ["1", "3", "-66.67"],
    ["5", "0", null],
  ])("changePercent(c=%s, o=%s) = %s", (c, o, out) => {
    expect(changePercent({ c, o })).toBe(out);
  });
});
