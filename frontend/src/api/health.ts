import { api } from "./client";
import type { HealthzResponse, ReadyzResponse } from "./types";

/** `/readyz` answers 503 with the same JSON body when a check fails: that is data, not an error. */
export async function fetchReadyz(signal?: AbortSignal): Promise<ReadyzResponse> {
  const data = await api.get<ReadyzResponse | null>("/readyz", { signal, acceptStatuses: [503] });
  if (!data || (data.status !== "ok" && data.status !== "fail") || typeof data.checks !== "object") {
    throw new Error("Unexpected /readyz response");
  }
  return data;
}

export function fetchHealthz(signal?: AbortSignal): Promise<HealthzResponse> {
  return api.get<HealthzResponse>("/healthz", { signal });
}

/** Names of the checks that are not ok, in a stable order. */
export function failingChecks(readyz: ReadyzResponse): string[] {
  return Object.entries(readyz.checks)
    .filter(([, check]) => !check.ok)
    .map(([name]) => name)
    .sort();
}
