import { useQuery } from "@tanstack/react-query";
import { fetchReadyz } from "../api/health";
import type { ReadyzResponse } from "../api/types";

export const READYZ_QUERY_KEY = ["readyz"] as const;
export const READYZ_POLL_MS = 10_000;

/** `/readyz`, polled every 10 s; shared by the top-bar indicator and the System page. */
export function useReadyz() {
  return useQuery({
    queryKey: READYZ_QUERY_KEY,
    queryFn: ({ signal }) => fetchReadyz(signal),
    refetchInterval: READYZ_POLL_MS,
    refetchIntervalInBackground: true,
    retry: false,
    staleTime: 0,
  });
}

export type HealthIndicatorStatus = "ok" | "fail" | "unknown";

/** What the top bar shows: unknown until a readiness answer arrives or when /readyz is unreachable. */
export function healthStatus(data: ReadyzResponse | undefined, isError: boolean): HealthIndicatorStatus {
  if (isError || !data) return "unknown";
  return data.status === "ok" ? "ok" : "fail";
}
