import type { PreferenceChanges, Preferences } from "../../api/preferences";
import type { Market } from "../../api/market";

export const INTERVALS = ["1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M"];
export const TICKET_TYPES = ["", "LIMIT", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET"];
export const TIFS = ["", "GTC", "IOC", "FOK", "GTX"];

export interface FormState {
  theme: "light" | "dark";
  default_market: Market;
  chart_interval: string;
  type: string;
  time_in_force: string;
  quantity: string;
  post_only: boolean;
  reduce_only: boolean;
  confirm_above_notional: string;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

export function fromServer(p: Preferences): FormState {
  const t = p.order_ticket_defaults ?? {};
  return {
    theme: p.theme ?? "dark",
    default_market: p.default_market ?? "SPOT",
    chart_interval: p.chart_interval ?? "1m",
    type: str(t.type),
    time_in_force: str(t.time_in_force),
    quantity: str(t.quantity),
    post_only: t.post_only === true,
    reduce_only: t.reduce_only === true,
    confirm_above_notional: str(t.confirm_above_notional),
  };
}

/**
 * The PUT body: the ticket defaults keep the keys this form does not edit (the trade page may
 * store others, such as market and symbol) and drop the ones left empty.
 */
export function preferencesBody(form: FormState, previous: Pick<PreferenceChanges, "order_ticket_defaults">): PreferenceChanges {
  const ticket: Record<string, unknown> = { ...(previous.order_ticket_defaults ?? {}) };
  for (const key of ["type", "time_in_force", "quantity", "confirm_above_notional"] as const) {
    const value = form[key].trim();
    if (value) ticket[key] = value;
    else delete ticket[key];
  }
  ticket.post_only = form.post_only;
  ticket.reduce_only = form.reduce_only;
  return {
    theme: form.theme,
    default_market: form.default_market,
    chart_interval: form.chart_interval,
    order_ticket_defaults: ticket,
  };
}
