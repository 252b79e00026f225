import { api } from "./client";

/**
 * USD-M account settings (apps/orders/api/futures.py). Every answer is read back from the exchange, so
 * what the ticket shows after a change is what Binance holds, not what we asked for. A refusal is a 400:
 * field messages from our validation, or `{code, detail, explanation}` from an exchange rejection.
 */

export type MarginType = "ISOLATED" | "CROSSED";
export type PositionMode = "one-way" | "hedge";

export interface FuturesSettings {
  symbol: string;
  leverage: number;
  max_leverage: number;
  margin_type: MarginType;
  position_mode: PositionMode;
}

export function futuresSettingsKey(symbol: string) {
  return ["futures-settings", symbol] as const;
}

export function fetchFuturesSettings(symbol: string, signal?: AbortSignal): Promise<FuturesSettings> {
  return api.get<FuturesSettings>(`/api/futures/settings/?${new URLSearchParams({ symbol })}`, { signal });
}

export function setLeverage(symbol: string, leverage: number): Promise<FuturesSettings> {
  return api.post<FuturesSettings>("/api/futures/leverage/", { symbol, leverage });
}

export function setMarginType(symbol: string, marginType: MarginType): Promise<FuturesSettings> {
  return api.post<FuturesSettings>("/api/futures/margin-type/", { symbol, margin_type: marginType });
}

export function setPositionMode(mode: PositionMode): Promise<{ position_mode: PositionMode }> {
  return api.post<{ position_mode: PositionMode }>("/api/futures/position-mode/", { position_mode: mode });
}
