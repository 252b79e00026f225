import { compare, decimalsOf, isDecimal, isZero, roundToStep, type RoundMode } from "../../../lib/decimal";
import type { Market } from "../../../api/market";

/**
 * A symbol's trading rules as the ticket needs them, from `GET /api/symbols/<market>/<symbol>/`
 * (apps/symbols/api/serializers.py, filters in plain form). Binance writes "0" for a bound it does
 * not enforce, so a zero bound is no bound here.
 */

interface Range {
  min: string | null;
  max: string | null;
}

/** The part of the symbol detail the ticket reads (structurally; the detail type has more). */
export interface SymbolRulesSource {
  market: string;
  symbol: string;
  base_asset: string;
  quote_asset: string;
  margin_asset?: string;
  quote_precision?: number;
  order_types?: string[];
  time_in_force?: string[];
  oco_allowed?: boolean;
  quote_order_qty_market_allowed?: boolean;
  tradable?: boolean;
  blocked_reason?: string | null;
  filters?: {
    price: (Range & { tick: string | null }) | null;
    quantity: (Range & { step: string | null }) | null;
    market_quantity: (Range & { step: string | null }) | null;
    notional: (Range & { min_applies_to_market: boolean | null }) | null;
  } | null;
}

export interface SymbolRules {
  market: Market;
  symbol: string;
  base: string;
  quote: string;
  /** USD-M: the asset margin is held in (USDT for the USDT-margined contracts). */
  marginAsset: string;
  tick: string | null;
  minPrice: string | null;
  maxPrice: string | null;
  step: string | null;
  minQty: string | null;
  maxQty: string | null;
  /** MARKET_LOT_SIZE, when the symbol has one; market orders round to it. */
  marketStep: string | null;
  marketMinQty: string | null;
  marketMaxQty: string | null;
  minNotional: string | null;
  minNotionalAppliesToMarket: boolean;
  /**
   * The step of a quote amount (a spot market order by total): the tick's decimals (cents for USDT),
   * never finer than the asset's quote precision.
   */
  quoteStep: string;
  orderTypes: string[] | null;
  ocoAllowed: boolean;
  quoteMarketAllowed: boolean;
  tradable: boolean;
  blockedReason: string | null;
}

function bound(value: string | null | undefined): string | null {
  if (value == null || !isDecimal(value) || isZero(value)) return null;
  return value;
}

function stepOfDecimals(decimals: number): string {
  return decimals === 0 ? "1" : `0.${"0".repeat(decimals - 1)}1`;
}

function quoteStepOf(tick: string | null, precision: number | undefined): string {
  const p = precision !== undefined && Number.isInteger(precision) && precision >= 0 && precision <= 18 ? precision : 8;
  return stepOfDecimals(tick ? Math.min(decimalsOf(tick), p) : p);
}

export function rulesFromDetail(detail: SymbolRulesSource): SymbolRules {
  const f = detail.filters ?? null;
  const market: Market = detail.market.toUpperCase() === "USDM" ? "USDM" : "SPOT";
  const tick = bound(f?.price?.tick);
  return {
    market,
    symbol: detail.symbol,
    base: detail.base_asset,
    quote: detail.quote_asset,
    marginAsset: detail.margin_asset || detail.quote_asset,
    tick,
    minPrice: bound(f?.price?.min),
    maxPrice: bound(f?.price?.max),
    step: bound(f?.quantity?.step),
    minQty: bound(f?.quantity?.min),
    maxQty: bound(f?.quantity?.max),
    marketStep: bound(f?.market_quantity?.step),
    marketMinQty: bound(f?.market_quantity?.min),
    marketMaxQty: bound(f?.market_quantity?.max),
    minNotional: bound(f?.notional?.min),
    minNotionalAppliesToMarket: f?.notional?.min_applies_to_market !== false,
    quoteStep: quoteStepOf(tick, detail.quote_precision),
    orderTypes: detail.order_types ?? null,
    ocoAllowed: detail.oco_allowed ?? market === "SPOT",
    quoteMarketAllowed: detail.quote_order_qty_market_allowed ?? market === "SPOT",
    tradable: detail.tradable ?? true,
    blockedReason: detail.blocked_reason ?? null,
  };
}

/** Round to a step when there is one (no rule: the value as typed). */
export function roundOrKeep(value: string, step: string | null, mode: RoundMode): string {
  return step ? roundToStep(value, step, mode) : value;
}

/** Decimals a price is shown with: the tick's, else the value's own. */
export function priceDecimals(rules: SymbolRules | null): number | undefined {
  return rules?.tick ? decimalsOf(rules.tick) : undefined;
}

export function quantityDecimals(rules: SymbolRules | null): number | undefined {
  return rules?.step ? decimalsOf(rules.step) : undefined;
}

/** A "below min / above max" message for a value, or null. */
export function rangeProblem(value: string, min: string | null, max: string | null, unit: string): string | null {
  if (min && compare(value, min) < 0) return `Minimum ${min}${unit ? ` ${unit}` : ""}`;
  if (max && compare(value, max) > 0) return `Maximum ${max}${unit ? ` ${unit}` : ""}`;
  return null;
}
