import { createContext, useContext } from "react";
import type { ThemeName } from "../api/preferences";

export const THEME_STORAGE_KEY = "trader.theme";

/** The theme remembered in this browser, so the first paint is right before preferences load. */
export function storedTheme(): ThemeName {
  try {
    const value = window.localStorage.getItem(THEME_STORAGE_KEY);
    return value === "light" ? "light" : "dark";
  } catch {
    return "dark";
  }
}

export function storeTheme(mode: ThemeName): void {
  try {
    window.localStorage.setItem(THEME_STORAGE_KEY, mode);
  } catch {
    // Private mode or storage full: the preference still lives on the server.
  }
}

export interface ThemeModeValue {
  mode: ThemeName;
  setMode: (mode: ThemeName) => void;
  toggle: () => void;
}

export const ThemeModeContext = createContext<ThemeModeValue | null>(null);

export function useThemeMode(): ThemeModeValue {
  const value = useContext(ThemeModeContext);
  if (!value) throw new Error("useThemeMode must be used inside <ThemeModeProvider>");
  return value;
}
