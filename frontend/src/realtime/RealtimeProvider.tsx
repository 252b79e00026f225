import { useEffect, useMemo, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useAuth } from "../auth/AuthContext";
import { AccountChannel } from "./accountChannel";
import { invalidateLiveState, RealtimeContext, StatusStore, type RealtimeConnections } from "./context";
import { MarketMux, type MarketMuxOptions } from "./marketMux";
import type { SocketOptions } from "./socketStatus";

export interface RealtimeProviderProps {
  children: ReactNode;
  /** Socket options (tests pass a fake WebSocket, fixed randomness and short delays). */
  options?: { market?: MarketMuxOptions; account?: Partial<SocketOptions> };
}

/**
 * Opens the two WebSockets once the user is logged in (one `/ws/market/` shared by every market
 * component, one `/ws/account/`) and closes them on logout. When the account socket reconnects or
 * skips an event number, everything fed by account events is refetched over REST.
 */
export function RealtimeProvider({ children, options }: RealtimeProviderProps) {
  const { user } = useAuth();
  const userId = user?.id ?? null;
  const queryClient = useQueryClient();
  const marketOptions = options?.market;
  const accountOptions = options?.account;

  // Constructing the sockets has no side effect; they connect in the effect below.
  const connections = useMemo<RealtimeConnections | null>(() => {
    if (userId === null) return null;
    const mux = new MarketMux(marketOptions);
    const account = new AccountChannel(accountOptions);
    return { mux, account, status: new StatusStore(mux.observed, account.observed) };
  }, [userId, marketOptions, accountOptions]);

  useEffect(() => {
    if (!connections) return;
    const { mux, account, status } = connections;
    const off = account.onResync(() => {
      status.markResync(Date.now());
      void invalidateLiveState(queryClient);
    });
    mux.start();
    account.start();
    return () => {
      off();
      mux.stop();
      account.stop();
    };
  }, [connections, queryClient]);

  return <RealtimeContext.Provider value={connections}>{children}</RealtimeContext.Provider>;
}
