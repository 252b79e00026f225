import type { Market } from "../../../api/market";
import type { OcoLeg, OrderPlaceRequest, PlaceRequest } from "../../../api/ticket";
import {
  OPTIONAL_FIELDS,
  WIRE_TYPE,
  checkField,
  fieldsFor,
  usesTimeInForce,
  usesWorkingType,
  type DecimalField,
  type TicketForm,
} from "./form";
import type { SymbolRules } from "./rules";

/**
 * From the form to `POST /api/orders/` and back: the request body (every amount rounded to the
 * symbol's rules, only the fields the kind takes), the server's 400 answer mapped onto the inputs,
 * and the Idempotency-Key that makes a retried or double-clicked submission one order.
 */

export type TicketField =
  | DecimalField
  | "side"
  | "type"
  | "timeInForce"
  | "postOnly"
  | "reduceOnly"
  | "positionSide"
  | "workingType";

export type FieldErrors = Partial<Record<TicketField, string[]>>;

export type BuildResult = { ok: true; request: PlaceRequest } | { ok: false; errors: FieldErrors };

export function buildRequest(args: {
  market: Market;
  symbol: string;
  form: TicketForm;
  rules: SymbolRules | null;
  hedgeMode: boolean;
}): BuildResult {
  const { market, symbol, form, rules, hedgeMode } = args;
  const errors: FieldErrors = {};
  const values: Partial<Record<DecimalField, string>> = {};
  for (const field of fieldsFor(market, form.kind, form.marketBy)) {
    const check = checkField(field, form[field], form.kind, rules);
    if (check.problem && check.rounded === null) errors[field] = [check.problem];
    else if (check.rounded === null) {
      if (!OPTIONAL_FIELDS.has(field)) errors[field] = ["Required"];
    } else values[field] = check.rounded;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  if (form.kind === "OCO") {
    const limitLeg: OcoLeg = { type: "LIMIT_MAKER", price: values.price };
    const stopLeg: OcoLeg = {
      type: "STOP_LOSS_LIMIT",
      stop_price: values.stopPrice,
      price: values.stopLimitPrice,
      time_in_force: "GTC",
    };
    // A sell takes profit above the market and stops out below it; a buy the other way round.
    const [above, below] = form.side === "SELL" ? [limitLeg, stopLeg] : [stopLeg, limitLeg];
    return {
      ok: true,
      request: { market: "SPOT", symbol, side: form.side, type: "OCO", quantity: values.quantity ?? "", above, below },
    };
  }

  const wire = WIRE_TYPE[market][form.kind];
  if (!wire) return { ok: false, errors: { type: [`${form.kind} is not offered on ${market}`] } };
  const request: OrderPlaceRequest = { market, symbol, side: form.side, type: wire as OrderPlaceRequest["type"] };
  if (values.quantity) request.quantity = values.quantity;
  if (values.quoteQuantity) request.quote_quantity = values.quoteQuantity;
  if (values.price) request.price = values.price;
  if (values.stopPrice) request.stop_price = values.stopPrice;
  if (values.callbackRate) request.callback_rate = values.callbackRate;
  if (values.activationPrice) request.activation_price = values.activationPrice;
  if (form.kind === "LIMIT" && form.postOnly) request.post_only = true;
  else if (usesTimeInForce(form.kind)) request.time_in_force = form.timeInForce;
  if (market === "USDM") {
    // Hedge mode names the position; Binance refuses reduce-only there (the side already says it).
    if (hedgeMode) request.position_side = form.positionSide === "BOTH" ? (form.side === "BUY" ? "LONG" : "SHORT") : form.positionSide;
    else if (form.reduceOnly) request.reduce_only = true;
    if (usesWorkingType(market, form.kind)) request.working_type = form.workingType;
  }
  return { ok: true, request };
}

const SERVER_FIELD: Record<string, TicketField> = {
  quantity: "quantity",
  quote_quantity: "quoteQuantity",
  price: "price",
  stop_price: "stopPrice",
  callback_rate: "callbackRate",
  activation_price: "activationPrice",
  time_in_force: "timeInForce",
  post_only: "postOnly",
  reduce_only: "reduceOnly",
  position_side: "positionSide",
  working_type: "workingType",
  side: "side",
  type: "type",
};

/** `{"above": {"price": ["..."]}}` and `{"above.price": ["..."]}` alike → `[["above.price", "..."]]`. */
export function flattenErrors(body: unknown, prefix = ""): [string, string][] {
  if (body === null || body === undefined) return [];
  if (typeof body === "string") return [[prefix || "detail", body]];
  if (Array.isArray(body)) return body.flatMap((item) => flattenErrors(item, prefix));
  if (typeof body === "object") {
    return Object.entries(body as Record<string, unknown>).flatMap(([key, value]) =>
      flattenErrors(value, prefix ? `${prefix}.${key}` : key),
    );
  }
  return [[prefix || "detail", String(body)]];
}

/** Which form field an OCO leg's server field is: the leg types differ by side (see buildRequest). */
function ocoField(leg: string, field: string, side: TicketForm["side"]): TicketField | null {
  const limitLeg = side === "SELL" ? "above" : "below";
  if (field === "quantity") return "quantity";
  if (leg === limitLeg) return field === "price" ? "price" : null;
  if (field === "price") return "stopLimitPrice";
  if (field === "stop_price") return "stopPrice";
  return null;
}

export interface MappedErrors {
  fields: FieldErrors;
  /** Non-field, risk, trading-state and symbol messages: shown above the submit button. */
  general: string[];
}

/** A 400 body from the orders API, sorted onto the inputs it names. */
export function mapServerErrors(body: unknown, form: Pick<TicketForm, "kind" | "side">): MappedErrors {
  const fields: FieldErrors = {};
  const general: string[] = [];
  for (const [key, message] of flattenErrors(body)) {
    const parts = key.split(".");
    let field: TicketField | null = null;
    if (form.kind === "OCO" && parts.length === 2 && (parts[0] === "above" || parts[0] === "below")) {
      field = ocoField(parts[0], parts[1] ?? "", form.side);
    } else if (parts.length === 1) {
      field = SERVER_FIELD[key] ?? null;
    }
    if (field) (fields[field] ??= []).push(message);
    else general.push(key === "detail" || key === "non_field_errors" ? message : `${humanKey(key)}: ${message}`);
  }
  return { fields, general };
}

function humanKey(key: string): string {
  return key.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

/** One ticket submission: the key the server remembers, and what it was sent with. */
export interface Submission {
  key: string;
  fingerprint: string;
}

/** JSON with sorted keys: two equal requests print the same whatever order their fields were set in. */
export function fingerprint(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(fingerprint).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${fingerprint(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The submission to send: the previous one again when the request is unchanged (a retry after a lost
 * answer or a double click must not place a second order), else a new one with a fresh key. The
 * caller forgets the submission once the server has answered with an order.
 */
export function nextSubmission(previous: Submission | null, request: PlaceRequest, newKey: () => string): Submission {
  const print = fingerprint(request);
  if (previous && previous.fingerprint === print) return previous;
  return { key: newKey(), fingerprint: print };
}
