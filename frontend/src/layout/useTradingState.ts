import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { useAccountEvents } from "../realtime";

export type TradingStateValue = "ACTIVE" | "REDUCE_ONLY" | "HALTED";

/** The part of `GET /api/risk/state/` the top bar shows (the Risk page reads the whole answer). */
export interface TradingStateSummary {
  global: TradingStateValue;
  effective: { SPOT: TradingStateValue; USDM: TradingStateValue };
  scopes: { scope: string; state: TradingStateValue; reason: string; source: string }[];
}

const RANK: Record<string, number> = { ACTIVE: 0, REDUCE_ONLY: 1, HALTED: 2 };

/** The most restrictive of the states given (unknown values count as the most restrictive). */
export function worstState(states: string[]): TradingStateValue {
  let worst: TradingStateValue = "ACTIVE";
  for (const s of states) {
    const rank = RANK[s] ?? 2;
    if (rank > (RANK[worst] ?? 0)) worst = rank >= 2 ? "HALTED" : "REDUCE_ONLY";
  }
  return worst;
}

/** Trading state, refetched whenever a "risk" account event arrives (and every 30 s as a backstop). */
export function useTradingStateSummary() {
  const queryClient = useQueryClient();
  useAccountEvents(["risk"], (event) => {
    const name = typeof event.payload.event === "string" ? event.payload.event : "";
    // State changes and kill switch progress move the trading state; alerts do not.
    if (name !== "risk.alert") {
      void queryClient.invalidateQueries({ queryKey: ["trading-state"] });
    }
  });
  return useQuery({
    queryKey: ["trading-state"],
    queryFn: () => api.get<TradingStateSummary>("/api/risk/state/"),
    refetchInterval: 30_000,
  });
}
