import { useQuery } from "@tanstack/react-query";
import { api } from "./client";

/**
 * System status: `GET /api/status/` and `/api/status/exchange-errors/` (apps/monitoring),
 * `GET /api/streams/health/` (apps/streams), `GET /api/exchange/status/` (apps/exchange).
 */

export type ComponentState = "ok" | "degraded" | "down";
export type Environment = "sim" | "testnet" | "live";

export interface StatusComponent {
  /** web, worker, beat, streams, market_data, exchange_spot, exchange_futures, database, redis,
   * rate_budget, breakers, clock, trading_state, ... */
  name: string;
  state: ComponentState;
  message: string;
  detail: Record<string, unknown>;
  /** Last time `state` changed. */
  since: string;
}

export interface SystemStatus {
  generated_at: string;
  overall: ComponentState;
  environment: Environment;
  components: StatusComponent[];
}

export interface ExchangeErrorRow {
  created_at: string;
  endpoint: string;
  market: string;
  http_status: number | null;
  binance_code: number | null;
  outcome: string;
  message: string;
  latency_ms: number | string | null;
}

export interface RateBudgetPool {
  market: string;
  scope: string;
  pool: string;
  used: number;
  limit: number;
  used_pct?: number | string | null;
}

export interface Breaker {
  market: string;
  group: string;
  state: string;
  failures?: number;
  changed_at_ms?: number | null;
  open_until_ms?: number | null;
}

/** `GET /api/exchange/status/` (ExchangeStatusOutputSerializer). */
export interface ExchangeStatus {
  environment: Environment;
  breakers: Breaker[];
  pools: RateBudgetPool[];
  blocked_for_s: Record<string, number>;
  time_offset_ms: number;
}

/** One user stream as the streams process reports it (apps/streams/domain/health.py StreamHealth). */
export interface UserStreamHealth {
  name: string;
  market: string;
  state: string;
  connected: boolean;
  connected_since_ms: number | null;
  down_since_ms: number | null;
  last_event_ms: number | null;
  reconnects: number;
  resyncs: number;
  events: number;
  buffered: number;
  last_error: string;
  last_error_ms: number | null;
  down_for_s: number | null;
  last_event_age_s: number | null;
  ok: boolean;
}

export interface StreamsHealth {
  running: boolean;
  process: Record<string, unknown> | null;
  down_after_s: number;
  ok: boolean;
  streams: UserStreamHealth[];
}

/** Refresh period of the system page; data older than twice this is shown as stale. */
export const STATUS_REFRESH_MS = 5_000;

export function useSystemStatus(refetchInterval: number | false = STATUS_REFRESH_MS) {
  return useQuery({
    queryKey: ["status"],
    queryFn: () => api.get<SystemStatus>("/api/status/"),
    refetchInterval,
  });
}

export function useExchangeErrors(limit = 50) {
  return useQuery({
    queryKey: ["status", "exchange-errors", limit],
    queryFn: () => api.get<{ results: ExchangeErrorRow[] }>(`/api/status/exchange-errors/?limit=${limit}`),
    refetchInterval: STATUS_REFRESH_MS,
  });
}

export function useStreamsHealth() {
  return useQuery({
    queryKey: ["streams-health"],
    queryFn: () => api.get<StreamsHealth>("/api/streams/health/"),
    refetchInterval: STATUS_REFRESH_MS,
  });
}

export function useExchangeStatus(refetchInterval: number | false = STATUS_REFRESH_MS) {
  return useQuery({
    queryKey: ["exchange-status"],
    queryFn: () => api.get<ExchangeStatus>("/api/exchange/status/"),
    refetchInterval,
  });
}

/** The environment the platform trades in; unknown until either status endpoint answers. */
export function useEnvironment(): Environment | null {
  const status = useSystemStatus(60_000);
  const exchange = useExchangeStatus(60_000);
  return status.data?.environment ?? exchange.data?.environment ?? null;
}

function asRecordArray(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => !!v && typeof v === "object") : [];
}

/** Rate budget pools: the status component's detail when present, else the exchange status. */
export function ratePools(status: SystemStatus | undefined, exchange: ExchangeStatus | undefined): RateBudgetPool[] {
  const component = status?.components.find((c) => c.name === "rate_budget");
  const fromStatus = asRecordArray(component?.detail.pools);
  if (fromStatus.length > 0) return fromStatus as unknown as RateBudgetPool[];
  return exchange?.pools ?? [];
}

export function breakers(status: SystemStatus | undefined, exchange: ExchangeStatus | undefined): Breaker[] {
  const component = status?.components.find((c) => c.name === "breakers");
  const fromStatus = asRecordArray(component?.detail.breakers);
  if (fromStatus.length > 0) return fromStatus as unknown as Breaker[];
  return exchange?.breakers ?? [];
}

/** Clock offset per market in ms (status `clock` detail `offset_ms`), else the exchange's single offset. */
export function clockOffsets(status: SystemStatus | undefined, exchange: ExchangeStatus | undefined): Record<string, number> {
  const component = status?.components.find((c) => c.name === "clock");
  const offset = component?.detail.offset_ms;
  if (offset && typeof offset === "object") {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(offset as Record<string, unknown>)) {
      const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : Number.NaN;
      if (Number.isFinite(n)) out[k] = n;
    }
    if (Object.keys(out).length > 0) return out;
  }
  if (typeof offset === "number") return { all: offset };
  return exchange ? { all: exchange.time_offset_ms } : {};
}

/** Integer percent of a pool used (display only), clamped to 0..100 for the gauge. */
export function poolPercent(pool: RateBudgetPool): number {
  if (!pool.limit) return 0;
  return Math.max(0, Math.min(100, Math.round((pool.used / pool.limit) * 100)));
}
