import { useQuery } from "@tanstack/react-query";
import { api } from "./client";

/** The alert centre: `/api/alerts/` (apps/monitoring alerts, shapes in MONITORING_CONTRACTS). */

export type AlertSeverity = "info" | "warning" | "critical";
export type AlertState = "open" | "acknowledged" | "resolved";

export interface Alert {
  id: number;
  rule: number | null;
  rule_name: string | null;
  rule_type: string | null;
  key: string;
  title: string;
  message: string;
  severity: AlertSeverity;
  state: AlertState;
  opened_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | number | null;
  resolved_at: string | null;
  last_value: Record<string, unknown> | null;
  labels: Record<string, unknown> | null;
}

export interface AlertHistoryEntry {
  at: string;
  event: string;
  actor: string | number | null;
  note: string;
}

export interface AlertDetail extends Alert {
  history: AlertHistoryEntry[];
}

export interface AlertSummary {
  open: number;
  acknowledged: number;
  by_severity: Record<AlertSeverity, number>;
}

export interface AlertPage {
  count: number;
  next: string | null;
  previous: string | null;
  results: Alert[];
}

/** `kind: "alert"` account event payload (in-app delivery). */
export interface AlertEventPayload {
  event: "opened" | "acknowledged" | "resolved" | "reminder";
  alert: Alert;
}

export type AlertFilter = "active" | AlertState;

export function alertsUrl(state: AlertFilter, page = 1, severity?: AlertSeverity): string {
  const params = new URLSearchParams({ state });
  if (severity) params.set("severity", severity);
  if (page > 1) params.set("page", String(page));
  return `/api/alerts/?${params.toString()}`;
}

export function useAlerts(state: AlertFilter, page = 1, severity?: AlertSeverity) {
  return useQuery({
    queryKey: ["alerts", { state, page, severity: severity ?? null }],
    queryFn: () => api.get<AlertPage>(alertsUrl(state, page, severity)),
    refetchInterval: 30_000,
  });
}

export function useAlert(id: number | null) {
  return useQuery({
    queryKey: ["alerts", "detail", id],
    queryFn: () => api.get<AlertDetail>(`/api/alerts/${id}/`),
    enabled: id !== null,
  });
}

export function useAlertSummary() {
  return useQuery({
    queryKey: ["alerts-summary"],
    queryFn: () => api.get<AlertSummary>("/api/alerts/summary/"),
    refetchInterval: 30_000,
  });
}

export function acknowledgeAlert(id: number, note?: string): Promise<Alert> {
  return api.post<Alert>(`/api/alerts/${id}/acknowledge/`, note ? { note } : {});
}

export function resolveAlert(id: number, note?: string): Promise<Alert> {
  return api.post<Alert>(`/api/alerts/${id}/resolve/`, note ? { note } : {});
}

/** Badge count of the bell: alerts still needing attention (open + acknowledged). */
export function activeCount(summary: AlertSummary | undefined): number {
  return summary ? summary.open + summary.acknowledged : 0;
}

export function isAlertEventPayload(payload: unknown): payload is AlertEventPayload {
  if (!payload || typeof payload !== "object") return false;
  const p = payload as Record<string, unknown>;
  return typeof p.event === "string" && !!p.alert && typeof p.alert === "object";
}
