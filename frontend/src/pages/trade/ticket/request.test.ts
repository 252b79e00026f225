import { describe, expect, it, vi } from "vitest";
import { EMPTY_FORM, type TicketForm } from "./form";
import { buildRequest, fingerprint, flattenErrors, mapServerErrors, nextSubmission } from "./request";
import { SPOT_RULES, USDM_RULES } from "./fixtures";

const form = (patch: Partial<TicketForm>): TicketForm => ({ ...EMPTY_FORM, ...patch });
const spot = (f: TicketForm) => buildRequest({ market: "SPOT", symbol: "BTCUSDT", form: f, rules: SPOT_RULES, hedgeMode: false });
const usdm = (f: TicketForm, hedgeMode = false) => buildRequest({ market: "USDM", symbol: "BTCUSDT", form: f, rules: USDM_RULES, hedgeMode });

describe("buildRequest", () => {
  it.each([
    [
      "spot limit, rounded to tick and step",
      spot(form({ price: "30000.129", quantity: "0.0123456" })),
      { market: "SPOT", symbol: "BTCUSDT", side: "BUY", type: "LIMIT", price: "30000.13", quantity: "0.01234", time_in_force: "GTC" },
    ],
    [
      "spot post-only limit sends no time in force",
      spot(form({ price: "1", quantity: "1", postOnly: true, timeInForce: "IOC" })),
      { market: "SPOT", symbol: "BTCUSDT", side: "BUY", type: "LIMIT", price: "1.00", quantity: "1.00000", post_only: true },
    ],
    [
      "spot market by quote",
      spot(form({ kind: "MARKET", marketBy: "quote", quoteQuantity: "50", quantity: "9" })),
      { market: "SPOT", symbol: "BTCUSDT", side: "BUY", type: "MARKET", quote_quantity: "50.00" },
    ],
    [
      "spot stop-limit",
      spot(form({ kind: "STOP_LIMIT", side: "SELL", stopPrice: "29000", price: "28990", quantity: "0.1", timeInForce: "IOC" })),
      { market: "SPOT", symbol: "BTCUSDT", side: "SELL", type: "STOP_LOSS_LIMIT", stop_price: "29000.00", price: "28990.00", quantity: "0.10000", time_in_force: "IOC" },
    ],
    [
      "spot take-profit (market)",
      spot(form({ kind: "TAKE_PROFIT_MARKET", side: "SELL", stopPrice: "35000", quantity: "0.1" })),
      { market: "SPOT", symbol: "BTCUSDT", side: "SELL", type: "TAKE_PROFIT", stop_price: "35000.00", quantity: "0.10000" },
    ],
    [
      "futures limit reduce-only post-only",
      usdm(form({ price: "30000.06", quantity: "0.0015", reduceOnly: true, postOnly: true })),
      { market: "USDM", symbol: "BTCUSDT", side: "BUY", type: "LIMIT", price: "30000.1", quantity: "0.001", post_only: true, reduce_only: true },
    ],
    [
      "futures stop-market with working type",
      usdm(form({ kind: "STOP_MARKET", side: "SELL", stopPrice: "29000", quantity: "0.002", workingType: "MARK_PRICE" })),
      { market: "USDM", symbol: "BTCUSDT", side: "SELL", type: "STOP_MARKET", stop_price: "29000.0", quantity: "0.002", working_type: "MARK_PRICE" },
    ],
    [
      "futures trailing stop without activation price",
      usdm(form({ kind: "TRAILING_STOP", side: "SELL", callbackRate: "0.84", quantity: "0.002" })),
      { market: "USDM", symbol: "BTCUSDT", side: "SELL", type: "TRAILING_STOP_MARKET", callback_rate: "0.8", quantity: "0.002", working_type: "CONTRACT_PRICE" },
    ],
    [
      "futures in hedge mode names the position and drops reduce-only",
      usdm(form({ kind: "MARKET", side: "SELL", quantity: "0.002", reduceOnly: true }), true),
      { market: "USDM", symbol: "BTCUSDT", side: "SELL", type: "MARKET", quantity: "0.002", position_side: "SHORT" },
    ],
    [
      "futures in hedge mode closing a long",
      usdm(form({ kind: "MARKET", side: "SELL", quantity: "0.002", positionSide: "LONG" }), true),
      { market: "USDM", symbol: "BTCUSDT", side: "SELL", type: "MARKET", quantity: "0.002", position_side: "LONG" },
    ],
  ])("%s", (_name, result, request) => {
    expect(result).toEqual({ ok: true, request });
  });

  it.each([
    ["SELL", { type: "LIMIT_MAKER", price: "35000.00" }, { type: "STOP_LOSS_LIMIT", stop_price: "29000.00", price: "28900.00", time_in_force: "GTC" }],
    ["BUY", { type: "STOP_LOSS_LIMIT", stop_price: "29000.00", price: "28900.00", time_in_force: "GTC" }, { type: "LIMIT_MAKER", price: "35000.00" }],
  ] as const)("an OCO %s puts its legs above and below the market", (side, above, below) => {
    const result = spot(form({ kind: "OCO", side, price: "35000", stopPrice: "29000", stopLimitPrice: "28900", quantity: "0.1" }));
    expect(result).toEqual({ ok: true, request: { market: "SPOT", symbol: "BTCUSDT", side, type: "OCO", quantity: "0.10000", above, below } });
  });

  it("names the missing and invalid fields instead of sending", () => {
    expect(spot(form({ price: "", quantity: "0" }))).toEqual({
      ok: false,
      errors: { price: ["Required"], quantity: ["Must be greater than zero"] },
    });
    expect(spot(form({ price: "0.001", quantity: "1" }))).toEqual({ ok: false, errors: { price: ["Below the step of 0.01"] } });
  });
});

describe("server errors", () => {
  it("maps field errors onto the inputs and the rest above the button", () => {
    const body = {
      price: ["Price is not a multiple of the tick size 0.01."],
      quote_quantity: ["Must be greater than zero."],
      non_field_errors: ["Trading is HALTED: new orders are refused."],
      symbol: ["BTCUSDT is in BREAK."],
    };
    expect(mapServerErrors(body, { kind: "LIMIT", side: "BUY" })).toEqual({
      fields: { price: ["Price is not a multiple of the tick size 0.01."], quoteQuantity: ["Must be greater than zero."] },
      general: ["Trading is HALTED: new orders are refused.", "Symbol: BTCUSDT is in BREAK."],
    });
  });

  it.each([
    ["SELL", { "above.price": ["too low"], "below.stop_price": ["bad stop"], "below.price": ["bad limit"] }, { price: ["too low"], stopPrice: ["bad stop"], stopLimitPrice: ["bad limit"] }],
    ["BUY", { below: { price: ["too high"] }, above: { stop_price: ["bad stop"] } }, { price: ["too high"], stopPrice: ["bad stop"] }],
  ] as const)("maps an OCO %s's leg errors to the leg's inputs", (side, body, fields) => {
    expect(mapServerErrors(body, { kind: "OCO", side })).toEqual({ fields, general: [] });
  });

  it("flattens nested and plain bodies", () => {
    expect(flattenErrors({ detail: "Not allowed." })).toEqual([["detail", "Not allowed."]]);
    expect(flattenErrors({ a: { b: ["x", "y"] } })).toEqual([
      ["a.b", "x"],
      ["a.b", "y"],
    ]);
    expect(flattenErrors(null)).toEqual([]);
  });
});

describe("idempotency key", () => {
  const request = spot(form({ price: "1", quantity: "1" }));
  if (!request.ok) throw new Error("fixture");
  const other = spot(form({ price: "2", quantity: "1" }));
  if (!other.ok) throw new Error("fixture");

  it("is reused when the same submission is retried and renewed when it changes", () => {
    const newKey = vi.fn().mockReturnValueOnce("k1").mockReturnValueOnce("k2");
    const first = nextSubmission(null, request.request, newKey);
    const retry = nextSubmission(first, { ...request.request }, newKey);
    expect(retry).toBe(first);
    expect(retry.key).toBe("k1");
    const changed = nextSubmission(retry, other.request, newKey);
    expect(changed.key).toBe("k2");
    expect(newKey).toHaveBeenCalledTimes(2);
  });

  it("prints requests with sorted keys", () => {
    expect(fingerprint({ b: 1, a: { d: [1, "x"], c: undefined } })).toBe('{"a":{"d":[1,"x"]},"b":1}');
  });
});
