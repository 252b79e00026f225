import { createContext, useContext } from "react";
import type { QueryClient } from "@tanstack/react-query";
import type { ConnectionStatus } from "../api/ws";
import type { AccountChannel } from "./accountChannel";
import type { MarketMux } from "./marketMux";
import type { ObservedSocket, SocketState } from "./socketStatus";

export interface RealtimeStatus {
  market: ConnectionStatus;
  account: ConnectionStatus;
  marketSince: number;
  accountSince: number;
  /** When the next reconnect attempt fires, per socket (null unless offline). */
  marketRetryAt: number | null;
  accountRetryAt: number | null;
  /** When the account socket last triggered a refetch (reconnect or sequence gap); null if never. */
  lastResyncAt: number | null;
  /** When both sockets were last back online after either had been offline; null if never. */
  recoveredAt: number | null;
}

/** Both sockets' states as one snapshot object, replaced on every change (for useSyncExternalStore). */
export class StatusStore {
  private snapshot: RealtimeStatus;
  // Offline, then "connecting" again, then online: the recovery counts from the first offline.
  private downSinceRecovery = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly market: ObservedSocket,
    private readonly account: ObservedSocket,
  ) {
    this.snapshot = this.build(null, null);
    market.onState(() => this.refresh());
    account.onState(() => this.refresh());
  }

  private build(lastResyncAt: number | null, recoveredAt: number | null): RealtimeStatus {
    const m: SocketState = this.market.state;
    const a: SocketState = this.account.state;
    return {
      market: m.status,
      account: a.status,
      marketSince: m.since,
      accountSince: a.since,
      marketRetryAt: m.retryAt,
      accountRetryAt: a.retryAt,
      lastResyncAt,
      recoveredAt,
    };
  }

  private refresh(): void {
    const before = this.snapshot;
    const next = this.build(before.lastResyncAt, before.recoveredAt);
    const wasDown = before.market === "offline" || before.account === "offline" || this.downSinceRecovery;
    if (next.market === "offline" || next.account === "offline") this.downSinceRecovery = true;
    else if (wasDown && next.market === "online" && next.account === "online") {
      this.downSinceRecovery = false;
      next.recoveredAt = Date.now();
    }
    this.snapshot = next;
    for (const listener of [...this.listeners]) listener();
  }

  markResync(at: number): void {
    this.snapshot = { ...this.snapshot, lastResyncAt: at };
    for (const listener of [...this.listeners]) listener();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  readonly getSnapshot = (): RealtimeStatus => this.snapshot;
}

export interface RealtimeConnections {
  mux: MarketMux;
  account: AccountChannel;
  status: StatusStore;
}

/** undefined: no provider above (a bug); null: provider present but nobody is logged in. */
export const RealtimeContext = createContext<RealtimeConnections | null | undefined>(undefined);

export function useRealtimeConnections(): RealtimeConnections | null {
  const value = useContext(RealtimeContext);
  if (value === undefined) throw new Error("Realtime hooks must be used inside <RealtimeProvider>");
  return value;
}

/**
 * Query keys whose data arrives as account events. After a reconnect or a lost event the cached
 * copies may be missing changes, so they are all refetched.
 */
export const LIVE_STATE_QUERY_KEYS: readonly (readonly string[])[] = [
  ["orders"],
  ["order"],
  ["positions"],
  ["balances"],
  ["portfolio"],
  ["trading-state"],
  ["kill-switch"],
  ["alerts"],
  ["alerts-summary"],
  ["risk-usage"],
];

export function invalidateLiveState(queryClient: QueryClient): Promise<void> {
  return Promise.all(
    LIVE_STATE_QUERY_KEYS.map((queryKey) => queryClient.invalidateQueries({ queryKey: [...queryKey] })),
  ).then(() => undefined);
}
