import { compare, formatDecimal, isDecimal, mul } from "../../../lib/decimal";

/**
 * When the ticket asks "are you sure?" before sending: always on the LIVE exchange (and when the
 * environment is not known yet), and when the order's value in USDT is above the user's threshold
 * (preferences.order_ticket_defaults.confirm_above_notional, default 1000 USDT) or cannot be estimated.
 */

export const DEFAULT_CONFIRM_ABOVE = "1000";

/** The threshold from the preferences' ticket defaults; a missing or malformed value is the default. */
export function confirmThreshold(ticketDefaults: Record<string, unknown> | null | undefined): string {
  const value = ticketDefaults?.confirm_above_notional;
  if (typeof value === "string" && isDecimal(value)) return value;
  return DEFAULT_CONFIRM_ABOVE;
}

/**
 * The notional in USDT: the quote amount itself when the quote asset is USDT, else through the quote
 * asset's USDT price (from balances). Null when it cannot be known.
 */
export function notionalInUsdt(notional: string | null, quoteAsset: string, quoteUsdtPrice: string | null): string | null {
  if (notional === null) return null;
  if (quoteAsset === "USDT") return notional;
  if (quoteUsdtPrice === null || !isDecimal(quoteUsdtPrice)) return null;
  return mul(notional, quoteUsdtPrice);
}

export function confirmationReasons(args: {
  environment: string | null;
  notionalUsdt: string | null;
  threshold: string;
}): string[] {
  const reasons: string[] = [];
  const env = args.environment?.toUpperCase() ?? null;
  if (env === "LIVE") reasons.push("This order goes to the LIVE exchange: real money.");
  else if (env === null) reasons.push("The trading environment is not known yet.");
  if (args.notionalUsdt === null) reasons.push("The order's value cannot be estimated.");
  else if (compare(args.notionalUsdt, args.threshold) > 0) {
    const value = formatDecimal(args.notionalUsdt, { decimals: 2, group: true });
    reasons.push(`The order's value (≈ ${value} USDT) is above your confirmation threshold of ${args.threshold} USDT.`);
  }
  return reasons;
}
