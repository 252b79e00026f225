import { describe, expect, it } from "vitest";
import {
  EMPTY_FORM,
  acceptTyping,
  applyPickedPrice,
  formFromDefaults,
  amountForPercent,
  checkField,
  estimateNotional,
  fieldsFor,
  kindsFor,
  minNotionalProblem,
  type TicketForm,
} from "./form";
import { rulesFromDetail } from "./rules";
import { BTCUSDT_SPOT, SPOT_RULES, USDM_RULES } from "./fixtures";

const form = (patch: Partial<TicketForm>): TicketForm => ({ ...EMPTY_FORM, ...patch });

describe("rules from the symbol detail", () => {
  it("reads tick, step and notional, and treats zero bounds as none", () => {
    expect(SPOT_RULES).toMatchObject({
      tick: "0.01",
      step: "0.00001",
      marketStep: null,
      marketMinQty: null,
      minNotional: "5",
      quoteStep: "0.01",
      base: "BTC",
      quote: "USDT",
    });
    expect(USDM_RULES.marketStep).toBe("0.001");
    // The quote step follows the tick's decimals, capped by the asset's precision.
    expect(rulesFromDetail({ ...BTCUSDT_SPOT, quote_precision: 1 }).quoteStep).toBe("0.1");
    expect(rulesFromDetail({ ...BTCUSDT_SPOT, filters: null }).quoteStep).toBe("0.00000001");
  });
});

describe("typing", () => {
  it.each([
    ["12.5", "12.5"],
    ["12,5", "12.5"],
    [" 1 ", "1"],
    ["1.2.3", null],
    ["-1", null],
    ["1e5", null],
    ["", ""],
    [".5", ".5"],
  ])("accepts %j as %j", (raw, expected) => {
    expect(acceptTyping(raw)).toBe(expected);
  });
});

describe("rounding as you type", () => {
  it.each([
    // field, typed, kind, rounded, hint, problem
    ["price", "65000.123", "LIMIT", "65000.12", "Rounds to 65000.12", null],
    ["price", "65000.125", "LIMIT", "65000.13", "Rounds to 65000.13", null],
    ["price", "65000.1", "LIMIT", "65000.10", null, null],
    ["price", "65000.", "LIMIT", "65000.00", null, null],
    ["price", "0.001", "LIMIT", null, null, "Below the step of 0.01"],
    ["price", "2000000", "LIMIT", "2000000.00", null, "Maximum 1000000 USDT"],
    ["quantity", "0.123456789", "LIMIT", "0.12345", "Rounds to 0.12345", null],
    ["quantity", "0.000019", "LIMIT", "0.00001", "Rounds to 0.00001", null],
    ["quantity", ".5", "LIMIT", "0.50000", null, null],
    ["quantity", "0", "LIMIT", null, null, "Must be greater than zero"],
    ["quantity", "10000", "LIMIT", "10000.00000", null, "Maximum 9000 BTC"],
    ["quoteQuantity", "100.123456789", "MARKET", "100.12", "Rounds to 100.12", null],
    ["callbackRate", "1.26", "TRAILING_STOP", "1.3", "Rounds to 1.3", null],
    ["callbackRate", "12", "TRAILING_STOP", "12.0", null, "Maximum 10 %"],
    ["price", "", "LIMIT", null, null, null],
  ] as const)("%s %j (%s) rounds to %j", (field, typed, kind, rounded, hint, problem) => {
    expect(checkField(field, typed, kind, SPOT_RULES)).toEqual({ rounded, hint, problem });
  });

  it("rounds futures quantities of market orders to the market lot step", () => {
    const rules = { ...USDM_RULES, marketStep: "0.01" };
    expect(checkField("quantity", "0.019", "MARKET", rules).rounded).toBe("0.01");
    expect(checkField("quantity", "0.019", "LIMIT", rules).rounded).toBe("0.019");
  });

  it("keeps the value as typed without rules", () => {
    expect(checkField("price", "1.23456", "LIMIT", null)).toEqual({ rounded: "1.23456", hint: null, problem: null });
  });
});

describe("kinds and fields", () => {
  it("offers the market's kinds the symbol takes", () => {
    expect(kindsFor("SPOT", SPOT_RULES)).toEqual(["LIMIT", "MARKET", "STOP_LIMIT", "STOP_MARKET", "TAKE_PROFIT_LIMIT", "TAKE_PROFIT_MARKET", "OCO"]);
    expect(kindsFor("USDM", USDM_RULES)).toContain("TRAILING_STOP");
    const narrow = rulesFromDetail({ ...BTCUSDT_SPOT, order_types: ["LIMIT", "MARKET"], oco_allowed: false });
    expect(kindsFor("SPOT", narrow)).toEqual(["LIMIT", "MARKET"]);
  });

  it.each([
    ["SPOT", "MARKET", "quote", ["quoteQuantity"]],
    ["USDM", "MARKET", "quote", ["quantity"]],
    ["SPOT", "OCO", "base", ["price", "stopPrice", "stopLimitPrice", "quantity"]],
    ["USDM", "TRAILING_STOP", "base", ["callbackRate", "activationPrice", "quantity"]],
    ["SPOT", "STOP_LIMIT", "base", ["stopPrice", "price", "quantity"]],
  ] as const)("%s %s by %s shows %j", (market, kind, by, fields) => {
    expect(fieldsFor(market, kind, by)).toEqual(fields);
  });
});

describe("amount by percentage", () => {
  const available = { base: "0.5", quote: "1000", margin: "200" };

  it.each([
    // A spot buy spends the quote balance at the limit price, rounded down to the step.
    ["spot limit buy 25%", "SPOT", form({ price: "30000" }), "25", { field: "quantity", value: "0.00833" }],
    ["spot limit buy 100%", "SPOT", form({ price: "30000" }), "100", { field: "quantity", value: "0.03333" }],
    // A spot sell sells the base balance.
    ["spot limit sell 50%", "SPOT", form({ side: "SELL", price: "30000" }), "50", { field: "quantity", value: "0.25000" }],
    ["spot market buy by quote 75%", "SPOT", form({ kind: "MARKET", marketBy: "quote" }), "75", { field: "quoteQuantity", value: "750.00" }],
    ["spot market buy by base at last", "SPOT", form({ kind: "MARKET" }), "100", { field: "quantity", value: "0.03225" }],
    ["spot market sell by quote at last", "SPOT", form({ kind: "MARKET", side: "SELL", marketBy: "quote" }), "100", { field: "quoteQuantity", value: "15500.00" }],
    ["spot stop-market sizes at the trigger", "SPOT", form({ kind: "STOP_MARKET", stopPrice: "40000" }), "100", { field: "quantity", value: "0.02500" }],
    // Futures: available margin × leverage / price.
    ["futures limit 50% at 10x", "USDM", form({ price: "25000" }), "50", { field: "quantity", value: "0.040" }],
    ["futures market 100% at last", "USDM", form({ kind: "MARKET" }), "100", { field: "quantity", value: "0.064" }],
    ["no price yet", "SPOT", form({}), "25", { field: null, reason: "Enter a price first" }],
    ["too little", "SPOT", form({ price: "90000000" }), "25", { field: null, reason: "Too little available for one step" }],
  ] as const)("%s", (_name, market, f, pct, expected) => {
    const rules = market === "SPOT" ? SPOT_RULES : USDM_RULES;
    expect(amountForPercent({ market, form: f, pct, available, leverage: 10, rules, lastPrice: "31000" })).toEqual(expected);
  });

  it("needs the leverage for futures", () => {
    expect(amountForPercent({ market: "USDM", form: form({ price: "1" }), pct: "25", available, leverage: null, rules: USDM_RULES, lastPrice: null })).toEqual({
      field: null,
      reason: "Leverage unknown",
    });
  });
});

describe("order value", () => {
  it.each([
    ["limit", form({ price: "30000", quantity: "0.01" }), "31000", "300"],
    ["market by base at the last price", form({ kind: "MARKET", quantity: "0.01" }), "31000", "310"],
    ["market by quote", form({ kind: "MARKET", marketBy: "quote", quoteQuantity: "25" }), null, "25.00"],
    ["market without a last price", form({ kind: "MARKET", quantity: "0.01" }), null, null],
    ["missing quantity", form({ price: "30000" }), "31000", null],
  ] as const)("%s", (_name, f, last, expected) => {
    expect(estimateNotional(f, "SPOT", SPOT_RULES, last)).toBe(expected);
  });

  it("hints the minimum notional", () => {
    expect(minNotionalProblem(form({}), "4.99", SPOT_RULES)).toBe("Order value must be at least 5 USDT");
    expect(minNotionalProblem(form({}), "5", SPOT_RULES)).toBeNull();
    expect(minNotionalProblem(form({ kind: "MARKET" }), "1", { ...SPOT_RULES, minNotionalAppliesToMarket: false })).toBeNull();
    expect(minNotionalProblem(form({}), null, SPOT_RULES)).toBeNull();
  });
});

describe("picked prices", () => {
  it.each([
    ["LIMIT", { price: "30000.13" }],
    ["MARKET", { kind: "LIMIT", price: "30000.13" }],
    ["STOP_MARKET", { stopPrice: "30000.13" }],
    ["STOP_LIMIT", { price: "30000.13" }],
    ["OCO", { price: "30000.13" }],
    ["TRAILING_STOP", { activationPrice: "30000.13" }],
  ] as const)("%s", (kind, patch) => {
    expect(applyPickedPrice(form({ kind }), "30000.129", SPOT_RULES)).toEqual(form({ kind, ...patch }));
  });
});

describe("ticket defaults", () => {
  it("applies the saved type, side and flags of the same market", () => {
    expect(formFromDefaults({ type: "MARKET", side: "SELL", time_in_force: "IOC", post_only: true, reduce_only: true }, "USDM")).toEqual(
      form({ kind: "MARKET", side: "SELL", timeInForce: "IOC", postOnly: true, reduceOnly: true }),
    );
    expect(formFromDefaults({ market: "SPOT", type: "MARKET" }, "USDM")).toEqual(EMPTY_FORM);
    expect(formFromDefaults({ type: "OCO", reduce_only: true }, "SPOT")).toEqual(EMPTY_FORM);
  });
});
