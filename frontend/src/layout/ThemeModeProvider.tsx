import { useCallback, useEffect, useMemo, useState, type ReactNode } from "react";
import { CssBaseline, ThemeProvider } from "@mui/material";
import { usePreferences, useSavePreferences, type ThemeName } from "../api/preferences";
import { useAuth } from "../auth/AuthContext";
import { createAppTheme } from "../theme";
import { storedTheme, storeTheme, ThemeModeContext, type ThemeModeValue } from "./themeMode";

/**
 * Dark or light: the user's saved preference once it has loaded (it follows them between
 * browsers), this browser's last choice until then. Changing it saves both.
 */
export function ThemeModeProvider({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const [localMode, setLocalMode] = useState<ThemeName>(storedTheme);
  const preferences = usePreferences({ enabled: user !== null });
  const save = useSavePreferences();
  const serverMode = user ? preferences.data?.theme : undefined;
  const mode: ThemeName = serverMode === "light" || serverMode === "dark" ? serverMode : localMode;

  const theme = useMemo(() => createAppTheme(mode), [mode]);

  useEffect(() => {
    storeTheme(mode);
    // index.html paints the body before React (inline, so it outranks CssBaseline): keep it in step.
    document.body.style.backgroundColor = theme.palette.background.default;
    document.querySelector('meta[name="color-scheme"]')?.setAttribute("content", mode);
  }, [mode, theme]);

  const { mutate } = save;
  const setMode = useCallback(
    (next: ThemeName) => {
      setLocalMode(next);
      if (user) mutate({ theme: next });
    },
    [user, mutate],
  );
  const value = useMemo<ThemeModeValue>(
    () => ({ mode, setMode, toggle: () => setMode(mode === "dark" ? "light" : "dark") }),
    [mode, setMode],
  );
  return (
    <ThemeModeContext.Provider value={value}>
      <ThemeProvider theme={theme}>
        <CssBaseline enableColorScheme />
        {children}
      </ThemeProvider>
    </ThemeModeContext.Provider>
  );
}
