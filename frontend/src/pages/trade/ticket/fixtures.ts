import { rulesFromDetail, type SymbolRules, type SymbolRulesSource } from "./rules";

/** Symbol details as the API renders them (plain filters), for the ticket's tests. */
export const BTCUSDT_SPOT: SymbolRulesSource = {
  market: "SPOT",
  symbol: "BTCUSDT",
  base_asset: "BTC",
  quote_asset: "USDT",
  quote_precision: 8,
  order_types: ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"],
  time_in_force: ["GTC", "IOC", "FOK"],
  oco_allowed: true,
  quote_order_qty_market_allowed: true,
  tradable: true,
  blocked_reason: null,
  filters: {
    price: { min: "0.01", max: "1000000", tick: "0.01" },
    quantity: { min: "0.00001", max: "9000", step: "0.00001" },
    market_quantity: { min: "0", max: "120", step: "0" },
    notional: { min: "5", max: "9000000", min_applies_to_market: true },
  },
};

export const BTCUSDT_USDM: SymbolRulesSource = {
  market: "USDM",
  symbol: "BTCUSDT",
  base_asset: "BTC",
  quote_asset: "USDT",
  margin_asset: "USDT",
  quote_precision: 8,
  order_types: ["LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"],
  time_in_force: ["GTC", "IOC", "FOK", "GTX"],
  tradable: true,
  blocked_reason: null,
  filters: {
    price: { min: "556.80", max: "4529764", tick: "0.10" },
    quantity: { min: "0.001", max: "1000", step: "0.001" },
    market_quantity: { min: "0.001", max: "120", step: "0.001" },
    notional: { min: "100", max: null, min_applies_to_market: true },
  },
};

export const SPOT_RULES: SymbolRules = rulesFromDetail(BTCUSDT_SPOT);
export const USDM_RULES: SymbolRules = rulesFromDetail(BTCUSDT_USDM);
