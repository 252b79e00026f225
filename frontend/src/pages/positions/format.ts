import { ApiError } from "../../api/client";
import { compare, formatDecimal, isDecimal } from "../../lib/decimal";

/** Display helpers shared by the positions and portfolio pages (display only, never for what is sent). */

export function fmt(value: string | null | undefined, decimals?: number): string {
  if (value === null || value === undefined || value === "") return "—";
  if (!isDecimal(value)) return value;
  return formatDecimal(value, { decimals, group: true });
}

export function pnlColor(value: string | null | undefined): string {
  if (!value || !isDecimal(value)) return "text.primary";
  const sign = compare(value, "0");
  return sign > 0 ? "success.main" : sign < 0 ? "error.main" : "text.primary";
}

/** One line from an API error: the detail and every field message. */
export function apiErrorText(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = Object.entries(error.fieldErrors).map(([k, v]) => `${k}: ${v.join(" ")}`);
    return [error.body?.detail, ...fields].filter(Boolean).join(" · ") || error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
