import { useCallback } from "react";
import { usePreferences, useSavePreferences } from "../../api/preferences";
import { watchKey, type SymbolMarket } from "../../api/symbols";

const NONE: string[] = [];

/** preferences.watched_symbols ("SPOT:BTCUSDT"), with a toggle that saves at once. */
export function useWatchlist() {
  const preferences = usePreferences();
  const save = useSavePreferences();
  const keys = preferences.data?.watched_symbols ?? NONE;
  const { mutate } = save;
  const toggle = useCallback(
    (market: SymbolMarket, symbol: string) => {
      const key = watchKey(market, symbol);
      const next = keys.includes(key) ? keys.filter((k) => k !== key) : [...keys, key];
      mutate({ watched_symbols: next });
    },
    [keys, mutate],
  );
  return {
    keys,
    isWatched: (market: SymbolMarket, symbol: string) => keys.includes(watchKey(market, symbol)),
    toggle,
    ready: preferences.isSuccess,
    error: save.error,
  };
}
