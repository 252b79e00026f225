import { useQuery } from "@tanstack/react-query";
import { api } from "./client";
import { compare, isDecimal } from "../lib/decimal";
import type { DecimalString } from "../types/money";

/**
 * Risk limits and their use (apps/config/api), trading state, kill switch and risk alerts
 * (apps/risk/api). Amounts are decimal strings.
 */

/** `GET /api/risk/usage/` row (LimitUsageSerializer). */
export interface LimitUsage {
  limit: string;
  label: string;
  unit: string;
  limit_value: DecimalString;
  /** null when the account's figure is not known. */
  current: DecimalString | null;
  /** current / limit × 100; null when not known. */
  used_pct: DecimalString | null;
  /** Which symbol or group the figure is about ("" when it is the account's). */
  detail: string;
}

export interface RiskUsage {
  version: number;
  limits: LimitUsage[];
}

export type UsageLevel = "normal" | "warning" | "error";

/** Bar colour: below 70 % normal, 70 % to 90 % warning, above 90 % error. Unknown counts as normal. */
export function usageLevel(usedPct: DecimalString | null): UsageLevel {
  if (usedPct === null || !isDecimal(usedPct)) return "normal";
  if (compare(usedPct, "90") > 0) return "error";
  if (compare(usedPct, "70") >= 0) return "warning";
  return "normal";
}

export type TradingStateValue = "ACTIVE" | "REDUCE_ONLY" | "HALTED";

/** TradingStateRowSerializer. `scope`: "all", "spot", "usdm" or "USDM:BTCUSDT". */
export interface TradingStateRow {
  scope: string;
  level: string;
  state: TradingStateValue;
  reason: string;
  source: "manual" | "kill_switch" | "trigger" | string;
  actor: string | null;
  created_at: string;
}

/** `GET /api/risk/state/`. */
export interface TradingStateResponse {
  global: TradingStateValue;
  effective: { SPOT: TradingStateValue; USDM: TradingStateValue };
  scopes: TradingStateRow[];
  history: TradingStateRow[];
}

export type StepStatus = "PENDING" | "STARTED" | "DONE" | "FAILED" | "SKIPPED";

export interface KillSwitchStep {
  key: string;
  /** cancel_*, close_futures, sell_spot, dust, sync, verify */
  kind: string;
  market: string;
  symbol: string;
  status: StepStatus;
  detail: Record<string, unknown>;
  result: Record<string, unknown>;
  error: string;
  attempts: number;
  started_at: string | null;
  finished_at: string | null;
}

export interface KillSwitchReport {
  summary?: {
    canceled_orders: number;
    canceled_symbols: number;
    closed: number;
    dust: number;
    failed: number;
    attempts: number;
  };
  canceled?: { kind: string; market: string; symbol: string; orders: unknown[] }[];
  closed?: Record<string, unknown>[];
  dust?: Record<string, unknown>[];
  failed?: { step: string; reason: string }[];
  remaining?: Record<string, unknown>;
}

/** `GET /api/kill-switch/` item (KillSwitchRunSerializer), newest first. */
export interface KillSwitchRun {
  id: number;
  scope: string;
  close_positions: boolean;
  reason: string;
  status: "RUNNING" | "COMPLETED";
  engaged_by: string | null;
  attempts: number;
  report: KillSwitchReport;
  created_at: string;
  finished_at: string | null;
  steps: KillSwitchStep[];
}

/** `GET /api/risk/alerts/` item (RiskAlertSerializer). */
export interface RiskAlert {
  id: number;
  trigger: string;
  scope: string;
  severity: string;
  action: string;
  message: string;
  values: Record<string, unknown>;
  fire_count: number;
  opened_at: string;
  last_fired_at: string | null;
  resolved_at: string | null;
}

/** `GET /api/config/risk-limits/` (RiskLimitsOutputSerializer): the active version. */
export interface RiskLimits {
  version: number;
  is_active: boolean;
  created_by: string | null;
  created_at: string;
  comment: string;
  max_order_notional: DecimalString;
  max_position_notional: DecimalString;
  max_gross_exposure: DecimalString;
  max_leverage: number;
  max_open_orders_per_symbol: number;
  max_open_orders_total: number;
  price_band_pct: DecimalString;
  max_orders_per_minute: number;
  daily_loss_limit: DecimalString;
  max_drawdown_pct: DecimalString;
  correlation_interval: string;
  correlation_window: number;
  correlation_threshold: DecimalString;
  max_correlated_exposure: DecimalString;
  overrides: {
    market: string;
    symbol: string;
    max_order_notional: DecimalString | null;
    max_position_notional: DecimalString | null;
    max_leverage: number | null;
    max_open_orders: number | null;
    price_band_pct: DecimalString | null;
  }[];
}

/** Kill switch scopes the API takes (apps/risk/domain/state.py parse_scope). */
export type KillSwitchScope = "all" | "spot" | "usdm" | `${"SPOT" | "USDM"}:${string}`;

export interface KillSwitchEngage {
  scope: KillSwitchScope;
  close_positions: boolean;
  /** Required by the server. */
  reason: string;
}

export function useRiskUsage() {
  return useQuery({
    queryKey: ["risk-usage"],
    queryFn: () => api.get<RiskUsage>("/api/risk/usage/"),
    refetchInterval: 10_000,
  });
}

export function useTradingState() {
  return useQuery({
    queryKey: ["trading-state"],
    queryFn: () => api.get<TradingStateResponse>("/api/risk/state/"),
    refetchInterval: 15_000,
  });
}

export function useRiskAlerts(openOnly = true) {
  return useQuery({
    queryKey: ["risk-alerts", { open: openOnly }],
    queryFn: () => api.get<RiskAlert[]>(`/api/risk/alerts/${openOnly ? "?open=1" : ""}`),
    refetchInterval: 15_000,
  });
}

export function useRiskLimits(enabled = true) {
  return useQuery({
    queryKey: ["risk-limits"],
    queryFn: () => api.get<RiskLimits>("/api/config/risk-limits/"),
    enabled,
  });
}

/** Latest runs; polled fast while one is running (the account "risk" events refresh it too). */
export function useKillSwitchRuns() {
  return useQuery({
    queryKey: ["kill-switch"],
    queryFn: () => api.get<KillSwitchRun[]>("/api/kill-switch/"),
    refetchInterval: (query) => (query.state.data?.some((r) => r.status === "RUNNING") ? 1_000 : 15_000),
  });
}

/** 202 with a new run, or 200 with the run already covering the scope. */
export function engageKillSwitch(body: KillSwitchEngage): Promise<KillSwitchRun> {
  return api.post<KillSwitchRun>("/api/kill-switch/", { action: "engage", ...body });
}

/** Admin only; refused (400) while a run still works on the scope. */
export function releaseKillSwitch(body: { scope: string; reason: string }): Promise<{ released: boolean; state: TradingStateRow }> {
  return api.post("/api/kill-switch/", { action: "release", ...body });
}

/** Scopes the kill switch holds HALTED now (the release candidates). */
export function haltedByKillSwitch(state: TradingStateResponse | undefined): TradingStateRow[] {
  return (state?.scopes ?? []).filter((row) => row.state === "HALTED" && row.source === "kill_switch");
}
