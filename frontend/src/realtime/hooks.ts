import { useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";
import type { ConnectionStatus } from "../api/ws";
import type { AccountEvent } from "./accountChannel";
import { useRealtimeConnections, type RealtimeStatus } from "./context";
import { EMPTY_VIEW, type MarketFrame, type StreamView } from "./marketMux";

const NOOP_UNSUBSCRIBE = () => () => undefined;

const LOGGED_OUT_STATUS: RealtimeStatus = Object.freeze({
  market: "offline",
  account: "offline",
  marketSince: 0,
  accountSince: 0,
  marketRetryAt: null,
  accountRetryAt: null,
  lastResyncAt: null,
  recoveredAt: null,
});

/** The current time, refreshed every `intervalMs` while mounted (for ages and countdowns). */
export function useNow(intervalMs = 1_000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}

/** The latest value of a callback, for subscriptions that must not restart when it changes. */
function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}

export function useRealtimeStatus(): RealtimeStatus {
  const connections = useRealtimeConnections();
  const store = connections?.status;
  return useSyncExternalStore(
    store ? store.subscribe : NOOP_UNSUBSCRIBE,
    store ? store.getSnapshot : () => LOGGED_OUT_STATUS,
  );
}

/**
 * One market stream (`spot.btcusdt.miniticker`), or none when `stream` is null. `last` is the
 * newest frame (the server's snapshot first), `ageMs` how long ago it arrived (ticks every second),
 * `error` the server's complaint about the stream name, if any.
 */
export function useMarketStream<T = unknown>(
  stream: string | null,
  onFrame?: (f: MarketFrame<T>) => void,
): { last: MarketFrame<T> | null; status: ConnectionStatus; ageMs: number | null; error: string | null } {
  const connections = useRealtimeConnections();
  const mux = connections?.mux;
  const onFrameRef = useLatest(onFrame);
  const subscribe = useCallback(
    (notify: () => void) => {
      if (!mux || !stream) return () => undefined;
      const unsubscribe = mux.subscribe(
        [stream],
        (frame) => {
          notify();
          onFrameRef.current?.(frame as MarketFrame<T>);
        },
        notify,
      );
      // Another component may already hold the stream: its snapshot will not come again.
      const cached = mux.view(stream).last;
      if (cached) onFrameRef.current?.(cached as MarketFrame<T>);
      return unsubscribe;
    },
    [mux, stream, onFrameRef],
  );
  const view: StreamView = useSyncExternalStore(subscribe, () =>
    mux && stream ? mux.view(stream) : EMPTY_VIEW,
  );
  const status = useRealtimeStatus().market;
  const now = useNow();
  const last = view.last as MarketFrame<T> | null;
  return {
    last,
    status,
    ageMs: last ? Math.max(0, now - last.receivedAt) : null,
    error: view.error,
  };
}

/** Many streams at once (one subscribe message); frames go to `onFrame` without re-rendering. */
export function useMarketStreams<T = unknown>(
  streams: string[],
  onFrame?: (f: MarketFrame<T>) => void,
): { status: ConnectionStatus } {
  const connections = useRealtimeConnections();
  const mux = connections?.mux;
  const onFrameRef = useLatest(onFrame);
  const key = [...new Set(streams)].sort().join("\n");
  useEffect(() => {
    if (!mux || key === "") return;
    const wanted = key.split("\n");
    const unsubscribe = mux.subscribe(wanted, (frame) => onFrameRef.current?.(frame as MarketFrame<T>));
    // Frames cached before this component mounted are not sent again by the server.
    for (const stream of wanted) {
      const last = mux.view(stream).last;
      if (last) onFrameRef.current?.(last as MarketFrame<T>);
    }
    return unsubscribe;
  }, [mux, key, onFrameRef]);
  return { status: useRealtimeStatus().market };
}

/** Account events of the given kinds ("all" for every kind), in the order the server numbered them. */
export function useAccountEvents(kinds: string[] | "all", handler: (e: AccountEvent) => void): void {
  const connections = useRealtimeConnections();
  const account = connections?.account;
  const handlerRef = useLatest(handler);
  const key = kinds === "all" ? "*" : [...kinds].sort().join(",");
  useEffect(() => {
    if (!account) return;
    const wanted = key === "*" ? null : new Set(key.split(","));
    return account.onEvent((event) => {
      if (wanted === null || wanted.has(event.kind)) handlerRef.current(event);
    });
  }, [account, key, handlerRef]);
}

/** "3 s", "2 min", "1 h", "2 d"; "—" when unknown. */
export function ageLabel(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "—";
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

export const DEFAULT_STALE_AFTER_MS = 10_000;

export function isStale(ageMs: number | null, staleAfterMs = DEFAULT_STALE_AFTER_MS): boolean {
  return ageMs !== null && ageMs > staleAfterMs;
}
