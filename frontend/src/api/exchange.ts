import { useQuery } from "@tanstack/react-query";
import { api } from "./client";

/** `GET /api/exchange/status/`: which exchange the platform trades on (and its breakers and budgets). */

export interface ExchangeStatusSummary {
  environment: string;
  [key: string]: unknown;
}

export type EnvironmentBadge = "SIM" | "TESTNET" | "LIVE";

/** "sim" (the local exchange) → SIM, "testnet" → TESTNET, "live" → LIVE; anything else is unknown. */
export function environmentBadge(environment: string | null | undefined): EnvironmentBadge | null {
  switch ((environment ?? "").trim().toLowerCase()) {
    case "sim":
    case "local":
    case "simulator":
      return "SIM";
    case "testnet":
      return "TESTNET";
    case "live":
    case "prod":
    case "production":
      return "LIVE";
    default:
      return null;
  }
}

export function useExchangeEnvironment() {
  // Shares the ["exchange-status"] cache entry with the System page (same URL, same body).
  return useQuery({
    queryKey: ["exchange-status"],
    queryFn: () => api.get<ExchangeStatusSummary>("/api/exchange/status/"),
    refetchInterval: 60_000,
    select: (status: ExchangeStatusSummary) => environmentBadge(status.environment),
  });
}
