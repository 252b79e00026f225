import { compare, div, isDecimal, isZero, mul, percentOf, type RoundMode } from "../../../lib/decimal";
import type { Market } from "../../../api/market";
import type { PositionSide, Side, TimeInForce, WorkingType } from "../../../api/ticket";
import { rangeProblem, roundOrKeep, type SymbolRules } from "./rules";

/**
 * The order ticket's form: which order kinds each market offers, which inputs each kind shows, how a
 * typed value is rounded to the symbol's tick and step, and the amount for "25/50/75/100 %" of what
 * is available. Pure and decimal-only (src/lib/decimal.ts); the component only wires it up.
 */

export type TicketKind =
  | "LIMIT"
  | "MARKET"
  | "STOP_LIMIT"
  | "STOP_MARKET"
  | "TAKE_PROFIT_LIMIT"
  | "TAKE_PROFIT_MARKET"
  | "OCO"
  | "TRAILING_STOP";

export const KIND_LABEL: Record<TicketKind, string> = {
  LIMIT: "Limit",
  MARKET: "Market",
  STOP_LIMIT: "Stop-limit",
  STOP_MARKET: "Stop-market",
  TAKE_PROFIT_LIMIT: "Take-profit-limit",
  TAKE_PROFIT_MARKET: "Take-profit-market",
  OCO: "OCO",
  TRAILING_STOP: "Trailing stop",
};

/** The exchange order type of each kind per market (OCO is a list, placed as type "OCO"). */
export const WIRE_TYPE: Record<Market, Partial<Record<TicketKind, string>>> = {
  SPOT: {
    LIMIT: "LIMIT",
    MARKET: "MARKET",
    STOP_LIMIT: "STOP_LOSS_LIMIT",
    STOP_MARKET: "STOP_LOSS",
    TAKE_PROFIT_LIMIT: "TAKE_PROFIT_LIMIT",
    TAKE_PROFIT_MARKET: "TAKE_PROFIT",
    OCO: "OCO",
  },
  USDM: {
    LIMIT: "LIMIT",
    MARKET: "MARKET",
    STOP_LIMIT: "STOP",
    STOP_MARKET: "STOP_MARKET",
    TAKE_PROFIT_LIMIT: "TAKE_PROFIT",
    TAKE_PROFIT_MARKET: "TAKE_PROFIT_MARKET",
    TRAILING_STOP: "TRAILING_STOP_MARKET",
  },
};

/** Kinds the ticket offers for a symbol: the market's, narrowed to the order types the symbol takes. */
export function kindsFor(market: Market, rules: SymbolRules | null): TicketKind[] {
  const table = WIRE_TYPE[market];
  return (Object.keys(table) as TicketKind[]).filter((kind) => {
    if (!rules) return true;
    if (kind === "OCO") return rules.ocoAllowed;
    const wire = table[kind];
    return !rules.orderTypes || (wire !== undefined && rules.orderTypes.includes(wire));
  });
}

export type MarketBy = "base" | "quote";

export interface TicketForm {
  side: Side;
  kind: TicketKind;
  /** Limit price (the LIMIT_MAKER leg's price for an OCO). */
  price: string;
  stopPrice: string;
  /** The limit price of an OCO's stop leg. */
  stopLimitPrice: string;
  quantity: string;
  quoteQuantity: string;
  /** Spot market orders: sized by base quantity or by quote amount to spend / receive. */
  marketBy: MarketBy;
  callbackRate: string;
  activationPrice: string;
  timeInForce: TimeInForce;
  postOnly: boolean;
  reduceOnly: boolean;
  positionSide: PositionSide;
  workingType: WorkingType;
}

export const EMPTY_FORM: TicketForm = {
  side: "BUY",
  kind: "LIMIT",
  price: "",
  stopPrice: "",
  stopLimitPrice: "",
  quantity: "",
  quoteQuantity: "",
  marketBy: "base",
  callbackRate: "1",
  activationPrice: "",
  timeInForce: "GTC",
  postOnly: false,
  reduceOnly: false,
  positionSide: "BOTH",
  workingType: "CONTRACT_PRICE",
};

export type DecimalField =
  | "price"
  | "stopPrice"
  | "stopLimitPrice"
  | "quantity"
  | "quoteQuantity"
  | "callbackRate"
  | "activationPrice";

/** The amount inputs a kind shows, in display order. `activationPrice` is the only optional one. */
export function fieldsFor(market: Market, kind: TicketKind, marketBy: MarketBy): DecimalField[] {
  switch (kind) {
    case "LIMIT":
      return ["price", "quantity"];
    case "MARKET":
      return market === "SPOT" && marketBy === "quote" ? ["quoteQuantity"] : ["quantity"];
    case "STOP_LIMIT":
    case "TAKE_PROFIT_LIMIT":
      return ["stopPrice", "price", "quantity"];
    case "STOP_MARKET":
    case "TAKE_PROFIT_MARKET":
      return ["stopPrice", "quantity"];
    case "OCO":
      return ["price", "stopPrice", "stopLimitPrice", "quantity"];
    case "TRAILING_STOP":
      return ["callbackRate", "activationPrice", "quantity"];
  }
}

export const OPTIONAL_FIELDS: ReadonlySet<DecimalField> = new Set(["activationPrice"]);

export function usesTimeInForce(kind: TicketKind): boolean {
  return kind === "LIMIT" || kind === "STOP_LIMIT" || kind === "TAKE_PROFIT_LIMIT";
}

export function usesWorkingType(market: Market, kind: TicketKind): boolean {
  return market === "USDM" && kind !== "LIMIT" && kind !== "MARKET";
}

const CALLBACK_STEP = "0.1";

interface FieldRule {
  step: string | null;
  mode: RoundMode;
  min: string | null;
  max: string | null;
  unit: string;
}

/** How a field rounds: prices to the nearest tick, sizes down to the step (never more than asked). */
export function fieldRule(field: DecimalField, kind: TicketKind, rules: SymbolRules | null): FieldRule {
  if (field === "callbackRate") return { step: CALLBACK_STEP, mode: "nearest", min: "0.1", max: "10", unit: "%" };
  if (!rules) return { step: null, mode: "nearest", min: null, max: null, unit: "" };
  if (field === "quantity") {
    const isMarket = kind === "MARKET";
    return {
      step: (isMarket && rules.marketStep) || rules.step,
      mode: "down",
      min: (isMarket && rules.marketMinQty) || rules.minQty,
      max: (isMarket && rules.marketMaxQty) || rules.maxQty,
      unit: rules.base,
    };
  }
  if (field === "quoteQuantity") return { step: rules.quoteStep, mode: "down", min: null, max: null, unit: rules.quote };
  return { step: rules.tick, mode: "nearest", min: rules.minPrice, max: rules.maxPrice, unit: rules.quote };
}

/**
 * What the ticket accepts as the user types: digits with one decimal point ("," reads as ".").
 * Returns the cleaned text, or null to refuse the keystroke.
 */
export function acceptTyping(raw: string): string | null {
  const text = raw.replace(/,/g, ".").replace(/\s+/g, "");
  return /^\d*\.?\d*$/.test(text) ? text : null;
}

export interface FieldCheck {
  /** The value that would be sent (rounded to the rule), or null when there is none yet. */
  rounded: string | null;
  /** "Rounds to 0.123" while the typed text differs from what would be sent. */
  hint: string | null;
  /** Out of range, not a number, zero. */
  problem: string | null;
}

/** Round a typed value and say what is wrong with it, as the user types. */
export function checkField(field: DecimalField, raw: string, kind: TicketKind, rules: SymbolRules | null): FieldCheck {
  const text = raw.trim();
  if (text === "" || text === ".") return { rounded: null, hint: null, problem: null };
  const value = text.endsWith(".") ? text.slice(0, -1) : text.startsWith(".") ? `0${text}` : text;
  if (!isDecimal(value)) return { rounded: null, hint: null, problem: "Enter a number" };
  const rule = fieldRule(field, kind, rules);
  const rounded = roundOrKeep(value, rule.step, rule.mode);
  if (isZero(rounded)) {
    const problem = isZero(value) ? "Must be greater than zero" : `Below the step of ${rule.step}`;
    return { rounded: null, hint: null, problem };
  }
  // Only a change of value is worth a hint; "100.1" sent as "100.10" is the same price.
  const hint = compare(rounded, value) !== 0 ? `Rounds to ${rounded}` : null;
  return { rounded, hint, problem: rangeProblem(rounded, rule.min, rule.max, rule.unit) };
}

/** The price an amount is sized at: the limit price, the trigger, or the last price for market kinds. */
export function referencePrice(form: TicketForm, rules: SymbolRules | null, lastPrice: string | null): string | null {
  const typed = (field: DecimalField) => checkField(field, form[field], form.kind, rules).rounded;
  switch (form.kind) {
    case "LIMIT":
    case "STOP_LIMIT":
    case "TAKE_PROFIT_LIMIT":
    case "OCO":
      return typed("price");
    case "STOP_MARKET":
    case "TAKE_PROFIT_MARKET":
      return typed("stopPrice");
    case "TRAILING_STOP":
      return typed("activationPrice") ?? lastPrice;
    case "MARKET":
      return lastPrice;
  }
}

export interface Available {
  /** Spot: free base asset. */
  base: string;
  /** Spot: free quote asset. */
  quote: string;
  /** USD-M: available margin in the margin asset. */
  margin: string;
}

export type PercentResult =
  | { field: "quantity" | "quoteQuantity"; value: string }
  | { field: null; reason: string };

/**
 * The amount for `pct` % of what is available. Spot buys spend the quote balance, spot sells the base
 * balance; futures size available margin × leverage at the reference price. Always rounded down.
 */
export function amountForPercent(args: {
  market: Market;
  form: TicketForm;
  pct: string;
  available: Available;
  leverage: number | null;
  rules: SymbolRules | null;
  lastPrice: string | null;
}): PercentResult {
  const { market, form, pct, available, leverage, rules, lastPrice } = args;
  const price = referencePrice(form, rules, lastPrice);
  const qtyRule = fieldRule("quantity", form.kind, rules);
  const quoteRule = fieldRule("quoteQuantity", form.kind, rules);
  const sized = (qty: string): PercentResult => {
    const value = roundOrKeep(qty, qtyRule.step, "down");
    return isZero(value) ? { field: null, reason: "Too little available for one step" } : { field: "quantity", value };
  };
  const byQuote = market === "SPOT" && form.kind === "MARKET" && form.marketBy === "quote";

  if (market === "USDM") {
    if (!leverage) return { field: null, reason: "Leverage unknown" };
    if (!price || isZero(price)) return { field: null, reason: "Enter a price first" };
    const buyingPower = mul(percentOf(available.margin, pct), String(leverage));
    return sized(div(buyingPower, price, 18, "down"));
  }
  if (form.side === "BUY") {
    const budget = percentOf(available.quote, pct);
    if (byQuote) {
      const value = roundOrKeep(budget, quoteRule.step, "down");
      return isZero(value) ? { field: null, reason: `No ${rules?.quote ?? "quote"} available` } : { field: "quoteQuantity", value };
    }
    if (!price || isZero(price)) return { field: null, reason: "Enter a price first" };
    return sized(div(budget, price, 18, "down"));
  }
  const baseQty = percentOf(available.base, pct);
  if (byQuote) {
    if (!price || isZero(price)) return { field: null, reason: "No last price yet" };
    const value = roundOrKeep(mul(baseQty, price), quoteRule.step, "down");
    return isZero(value) ? { field: null, reason: `No ${rules?.base ?? "base"} available` } : { field: "quoteQuantity", value };
  }
  return sized(baseQty);
}

/** The order's value in the quote asset (an estimate at the last price for market kinds), or null. */
export function estimateNotional(form: TicketForm, market: Market, rules: SymbolRules | null, lastPrice: string | null): string | null {
  if (market === "SPOT" && form.kind === "MARKET" && form.marketBy === "quote") {
    return checkField("quoteQuantity", form.quoteQuantity, form.kind, rules).rounded;
  }
  const qty = checkField("quantity", form.quantity, form.kind, rules).rounded;
  const price = referencePrice(form, rules, lastPrice);
  if (!qty || !price) return null;
  return mul(qty, price);
}

/** "Order value below the minimum" while the estimate is under the symbol's minimum notional. */
export function minNotionalProblem(form: TicketForm, notional: string | null, rules: SymbolRules | null): string | null {
  if (!rules?.minNotional || notional === null) return null;
  const isMarket = form.kind === "MARKET";
  if (isMarket && !rules.minNotionalAppliesToMarket) return null;
  if (compare(notional, rules.minNotional) >= 0) return null;
  return `Order value must be at least ${rules.minNotional} ${rules.quote}`;
}

/**
 * A price picked in the order book or trade list: it goes to the input that prices the order (the
 * limit price; the trigger of a stop-market; the activation of a trailing stop). A market order
 * becomes a limit order at that price, which is what clicking a price asks for.
 */
export function applyPickedPrice(form: TicketForm, price: string, rules: SymbolRules | null): TicketForm {
  const rounded = checkField("price", price, "LIMIT", rules).rounded ?? price;
  switch (form.kind) {
    case "MARKET":
      return { ...form, kind: "LIMIT", price: rounded };
    case "STOP_MARKET":
    case "TAKE_PROFIT_MARKET":
      return { ...form, stopPrice: rounded };
    case "TRAILING_STOP":
      return { ...form, activationPrice: rounded };
    default:
      return { ...form, price: rounded };
  }
}

/** The ticket defaults a user saved (preferences.order_ticket_defaults) applied to an empty form. */
export function formFromDefaults(defaults: Record<string, unknown> | null | undefined, market: Market): TicketForm {
  const form: TicketForm = { ...EMPTY_FORM };
  if (!defaults) return form;
  if (defaults.market !== undefined && defaults.market !== market) return form;
  if (defaults.side === "BUY" || defaults.side === "SELL") form.side = defaults.side;
  const kind = defaults.type === "LIMIT" || defaults.type === "MARKET" ? defaults.type : null;
  if (kind) form.kind = kind;
  if (defaults.time_in_force === "GTC" || defaults.time_in_force === "IOC" || defaults.time_in_force === "FOK") {
    form.timeInForce = defaults.time_in_force;
  }
  if (typeof defaults.post_only === "boolean") form.postOnly = defaults.post_only;
  if (typeof defaults.reduce_only === "boolean" && market === "USDM") form.reduceOnly = defaults.reduce_only;
  return form;
}
