import type { ReactNode } from "react";
import { act, render, renderHook, screen } from "@testing-library/react";
import { QueryClientProvider } from "@tanstack/react-query";
import { vi } from "vitest";
import { AuthContext, type AuthContextValue } from "../auth/AuthContext";
import { FakeWebSocket } from "../test/fakeWebSocket";
import { testQueryClient } from "../test/utils";
import { LIVE_STATE_QUERY_KEYS } from "./context";
import {
  ageLabel,
  RealtimeBanner,
  RealtimeProvider,
  StaleBadge,
  useAccountEvents,
  useMarketStream,
  useMarketStreams,
  useRealtimeStatus,
  type AccountEvent,
} from "./index";
import { MarketMux } from "./marketMux";

const OPTS = {
  market: { heartbeatMs: 0, random: () => 0, minBackoffMs: 1_000, unsubscribeGraceMs: 500 },
  account: { heartbeatMs: 0, random: () => 0, minBackoffMs: 2_000 },
};

const AUTH: AuthContextValue = {
  state: "ready",
  session: { authenticated: true, user: { id: 7, username: "ann", roles: ["trader"], is_superuser: false } },
  user: { id: 7, username: "ann", roles: ["trader"], is_superuser: false },
  error: null,
  login: vi.fn(),
  logout: vi.fn(),
  refresh: vi.fn(),
};

function sockets(path: string): FakeWebSocket[] {
  return FakeWebSocket.instances.filter((ws) => ws.url.endsWith(path));
}

function latest(path: string): FakeWebSocket {
  const all = sockets(path);
  const ws = all.at(-1);
  if (!ws) throw new Error(`no socket for ${path}`);
  return ws;
}

function sentJson(ws: FakeWebSocket): unknown[] {
  return ws.sent.map((s) => JSON.parse(s));
}

function setup() {
  const queryClient = testQueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <AuthContext.Provider value={AUTH}>
        <RealtimeProvider options={OPTS}>{children}</RealtimeProvider>
      </AuthContext.Provider>
    </QueryClientProvider>
  );
  return { queryClient, wrapper };
}

describe("MarketMux", () => {
  beforeEach(() => vi.useFakeTimers());

  it("reference-counts subscriptions on one socket and caches the last frame", () => {
    const mux = new MarketMux(OPTS.market);
    mux.start();
    const ws = latest("/ws/market/");
    ws.serverOpen();
    const a = vi.fn();
    const b = vi.fn();
    const offA = mux.subscribe(["spot.btcusdt.miniticker"], a);
    ws.serverMessage({ type: "snapshot", stream: "spot.btcusdt.miniticker", message: { E: "1700", data: { c: "42000.10" } } });
    const offB = mux.subscribe(["spot.btcusdt.miniticker", "spot.ethusdt.miniticker"], b);
    expect(sentJson(ws)).toEqual([
      { action: "subscribe", streams: ["spot.btcusdt.miniticker"] },
      { action: "subscribe", streams: ["spot.ethusdt.miniticker"] },
    ]);
    expect(mux.refCount("spot.btcusdt.miniticker")).toBe(2);
    expect(mux.view("spot.btcusdt.miniticker").last).toMatchObject({ data: { c: "42000.10" }, snapshot: true, eventTime: 1700 });

    ws.serverMessage({ type: "update", stream: "spot.btcusdt.miniticker", message: { E: "1701", data: { c: "42000.20" } } });
    expect(a).toHaveBeenCalledTimes(2);
    expect(b).toHaveBeenCalledTimes(1);
    expect(b.mock.calls[0]![0]).toMatchObject({ stream: "spot.btcusdt.miniticker", data: { c: "42000.20" }, snapshot: false });

    offA();
    vi.advanceTimersByTime(1_000);
    // b still holds btcusdt: nothing is unsubscribed.
    expect(ws.sent).toHaveLength(2);
    offB();
    offB(); // idempotent
    expect(ws.sent).toHaveLength(2); // grace period
    vi.advanceTimersByTime(500);
    expect(sentJson(ws).at(-1)).toEqual({
      action: "unsubscribe",
      streams: ["spot.btcusdt.miniticker", "spot.ethusdt.miniticker"],
    });
    expect(mux.streams).toEqual([]);
    mux.stop();
  });

  it("keeps a stream re-wanted within the grace period without churning the server", () => {
    const mux = new MarketMux(OPTS.market);
    mux.start();
    const ws = latest("/ws/market/");
    ws.serverOpen();
    const off = mux.subscribe(["usdm.btcusdt.markprice"], vi.fn());
    off();
    const again = vi.fn();
    mux.subscribe(["usdm.btcusdt.markprice"], again);
    vi.advanceTimersByTime(2_000);
    expect(sentJson(ws)).toEqual([{ action: "subscribe", streams: ["usdm.btcusdt.markprice"] }]);
    ws.serverMessage({ type: "update", stream: "usdm.btcusdt.markprice", message: { E: 1, data: { p: "1" } } });
    expect(again).toHaveBeenCalledTimes(1);
    mux.stop();
  });

  it("subscribes once open and resubscribes every wanted stream after a reconnect (e.g. 4408)", () => {
    const mux = new MarketMux(OPTS.market);
    mux.start();
    const first = latest("/ws/market/");
    const listener = vi.fn();
    mux.subscribe(["spot.btcusdt.kline_1m", "spot.btcusdt.depth"], listener);
    const gone = mux.subscribe(["spot.ethusdt.trade"], vi.fn());
    expect(first.sent).toEqual([]); // not open yet
    first.serverOpen();
    expect(sentJson(first)).toEqual([
      { action: "subscribe", streams: ["spot.btcusdt.kline_1m", "spot.btcusdt.depth", "spot.ethusdt.trade"] },
    ]);
    gone();
    first.serverClose(4408);
    expect(mux.observed.state.status).toBe("offline");
    expect(mux.observed.state.retryAt).not.toBeNull();
    vi.advanceTimersByTime(1_000);
    const second = latest("/ws/market/");
    expect(second).not.toBe(first);
    second.serverOpen();
    expect(sentJson(second)).toEqual([{ action: "subscribe", streams: ["spot.btcusdt.kline_1m", "spot.btcusdt.depth"] }]);
    second.serverMessage({ type: "snapshot", stream: "spot.btcusdt.depth", message: { E: 5, data: { bids: [] } } });
    expect(listener).toHaveBeenCalledWith(expect.objectContaining({ stream: "spot.btcusdt.depth", snapshot: true }));
    mux.stop();
  });

  it("ignores null snapshots and reports stream errors", () => {
    const mux = new MarketMux(OPTS.market);
    mux.start();
    const ws = latest("/ws/market/");
    ws.serverOpen();
    const listener = vi.fn();
    const onError = vi.fn();
    mux.subscribe(["spot.nopeusdt.ticker"], listener, onError);
    ws.serverMessage({ type: "snapshot", stream: "spot.nopeusdt.ticker", message: null });
    ws.serverMessage({ type: "error", code: "unknown_symbol", message: "NOPEUSDT is not a listed spot symbol", stream: "spot.nopeusdt.ticker" });
    ws.serverMessage({ type: "error", code: "invalid_request", message: "ping", stream: null });
    expect(listener).not.toHaveBeenCalled();
    expect(onError).toHaveBeenCalledWith("NOPEUSDT is not a listed spot symbol");
    expect(mux.view("spot.nopeusdt.ticker").error).toBe("NOPEUSDT is not a listed spot symbol");
    mux.stop();
  });
});

describe("RealtimeProvider hooks", () => {
  beforeEach(() => vi.useFakeTimers());

  it("useMarketStream delivers frames with their age; two hooks share one subscription", () => {
    const { wrapper } = setup();
    const onFrame = vi.fn();
    const { result } = renderHook(
      () => ({
        a: useMarketStream<{ c: string }>("spot.btcusdt.miniticker", onFrame),
        b: useMarketStream<{ c: string }>("spot.btcusdt.miniticker"),
      }),
      { wrapper },
    );
    const ws = latest("/ws/market/");
    act(() => ws.serverOpen());
    expect(result.current.a.status).toBe("online");
    expect(sentJson(ws)).toEqual([{ action: "subscribe", streams: ["spot.btcusdt.miniticker"] }]);
    expect(result.current.a.last).toBeNull();
    expect(result.current.a.ageMs).toBeNull();
    act(() => ws.serverMessage({ type: "snapshot", stream: "spot.btcusdt.miniticker", message: { E: 1, data: { c: "1.5" } } }));
    expect(result.current.a.last?.data.c).toBe("1.5");
    expect(result.current.b.last?.data.c).toBe("1.5");
    expect(onFrame).toHaveBeenCalledTimes(1);
    act(() => {
      vi.advanceTimersByTime(3_000);
    });
    expect(result.current.a.ageMs).toBeGreaterThanOrEqual(3_000);
    expect(ageLabel(result.current.a.ageMs)).toBe("3 s");
  });

  it("useMarketStreams subscribes a set once and unsubscribes on unmount", () => {
    const { wrapper } = setup();
    const frames: string[] = [];
    const { unmount } = renderHook(
      () => useMarketStreams(["spot.btcusdt.miniticker", "usdm.btcusdt.miniticker"], (f) => frames.push(f.stream)),
      { wrapper },
    );
    const ws = latest("/ws/market/");
    act(() => ws.serverOpen());
    expect(sentJson(ws)).toEqual([{ action: "subscribe", streams: ["spot.btcusdt.miniticker", "usdm.btcusdt.miniticker"] }]);
    act(() => ws.serverMessage({ type: "update", stream: "usdm.btcusdt.miniticker", message: { data: {} } }));
    expect(frames).toEqual(["usdm.btcusdt.miniticker"]);
    unmount();
  });

  it("invalidates live queries on a sequence gap and on reconnect, not on consecutive events", async () => {
    const { wrapper, queryClient } = setup();
    const spy = vi.spyOn(queryClient, "invalidateQueries");
    const seen: AccountEvent[] = [];
    renderHook(() => useAccountEvents(["order", "fill"], (e) => seen.push(e)), { wrapper });
    const ws = latest("/ws/account/");
    act(() => {
      ws.serverOpen();
      ws.serverMessage({ type: "hello", seq: 10 });
    });
    expect(spy).not.toHaveBeenCalled(); // first hello: nothing was missed
    act(() => {
      ws.serverMessage({ type: "event", kind: "order", seq: 11, payload: { id: 1, status: "NEW" } });
      ws.serverMessage({ type: "event", kind: "balance", seq: 12, payload: {} });
    });
    expect(seen.map((e) => e.seq)).toEqual([11]);
    expect(spy).not.toHaveBeenCalled();

    act(() => ws.serverMessage({ type: "event", kind: "fill", seq: 15, payload: { order_id: 1 } }));
    expect(seen.map((e) => e.seq)).toEqual([11, 15]);
    const keys = spy.mock.calls.map((c) => c[0]?.queryKey);
    expect(keys).toEqual(LIVE_STATE_QUERY_KEYS.map((k) => [...k]));
    expect(keys).toContainEqual(["trading-state"]);

    spy.mockClear();
    act(() => ws.serverClose(1006));
    act(() => {
      vi.advanceTimersByTime(2_000);
    });
    const again = latest("/ws/account/");
    expect(again).not.toBe(ws);
    act(() => {
      again.serverOpen();
      again.serverMessage({ type: "hello", seq: 20 });
    });
    expect(spy).toHaveBeenCalledTimes(LIVE_STATE_QUERY_KEYS.length);
    spy.mockClear();
    act(() => again.serverMessage({ type: "event", kind: "order", seq: 21, payload: {} }));
    expect(spy).not.toHaveBeenCalled();
  });

  it("reports both sockets' status", () => {
    const { wrapper } = setup();
    const { result } = renderHook(() => useRealtimeStatus(), { wrapper });
    expect(result.current.market).toBe("connecting");
    act(() => latest("/ws/account/").serverOpen());
    expect(result.current.account).toBe("online");
    expect(result.current.market).toBe("connecting");
  });

  it("opens no socket while nobody is logged in", () => {
    const queryClient = testQueryClient();
    const loggedOut: AuthContextValue = { ...AUTH, session: { authenticated: false, user: null }, user: null };
    const { result } = renderHook(() => useMarketStream("spot.btcusdt.ticker"), {
      wrapper: ({ children }) => (
        <QueryClientProvider client={queryClient}>
          <AuthContext.Provider value={loggedOut}>
            <RealtimeProvider options={OPTS}>{children}</RealtimeProvider>
          </AuthContext.Provider>
        </QueryClientProvider>
      ),
    });
    expect(FakeWebSocket.instances).toHaveLength(0);
    expect(result.current.status).toBe("offline");
  });

  it("throws a clear error without a provider", () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(() => renderHook(() => useRealtimeStatus())).toThrow(/inside <RealtimeProvider>/);
  });
});

describe("RealtimeBanner", () => {
  beforeEach(() => vi.useFakeTimers());

  it("counts down to the next attempt while offline and confirms the refresh when back", () => {
    const { wrapper: Wrapper } = setup();
    render(
      <Wrapper>
        <RealtimeBanner />
      </Wrapper>,
    );
    const market = latest("/ws/market/");
    const account = latest("/ws/account/");
    act(() => {
      market.serverOpen();
      account.serverOpen();
      account.serverMessage({ type: "hello", seq: 1 });
    });
    expect(screen.queryByTestId("realtime-banner")).toBeNull();

    act(() => account.serverClose(1006));
    expect(screen.getByTestId("realtime-banner")).toHaveTextContent("Reconnecting to live data (account updates)… retrying in 2 s");
    act(() => {
      vi.advanceTimersByTime(1_000);
    });
    expect(screen.getByTestId("realtime-banner")).toHaveTextContent("retrying in 1 s");
    act(() => {
      vi.advanceTimersByTime(1_000);
    });
    act(() => {
      latest("/ws/account/").serverOpen();
      latest("/ws/account/").serverMessage({ type: "hello", seq: 4 });
      vi.advanceTimersByTime(10);
    });
    expect(screen.getByTestId("realtime-banner")).toHaveTextContent("Live data restored — refreshed");
    act(() => {
      vi.advanceTimersByTime(6_000);
    });
    expect(screen.queryByText("Live data restored — refreshed")).toBeNull();
  });
});

describe("age helpers", () => {
  it.each([
    [null, "—"],
    [0, "0 s"],
    [3_400, "3 s"],
    [59_999, "59 s"],
    [60_000, "1 min"],
    [125_000, "2 min"],
    [3_600_000, "1 h"],
    [47 * 3_600_000, "47 h"],
    [72 * 3_600_000, "3 d"],
  ])("ageLabel(%s) = %s", (ms, label) => {
    expect(ageLabel(ms)).toBe(label);
  });

  it("StaleBadge shows the age only once data is stale", () => {
    const { rerender } = render(<StaleBadge ageMs={4_000} />);
    expect(screen.queryByTestId("stale-badge")).toBeNull();
    rerender(<StaleBadge ageMs={12_000} />);
    expect(screen.getByTestId("stale-badge")).toHaveTextContent("stale · 12 s");
    rerender(<StaleBadge ageMs={3_000} staleAfterMs={2_000} />);
    expect(screen.getByTestId("stale-badge")).toHaveTextContent("3 s");
    rerender(<StaleBadge ageMs={null} />);
    expect(screen.queryByTestId("stale-badge")).toBeNull();
  });
});
