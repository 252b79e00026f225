import { createTheme, type Theme } from "@mui/material/styles";
import type { ThemeName } from "./api/preferences";

/**
 * Dense, exchange-like look in both modes. Buy/sell colours follow the usual exchange palette and
 * are the same hues in both modes (only slightly deeper on white) so a trader never has to relearn
 * which is which.
 */
const PALETTES = {
  dark: {
    primary: { main: "#f0b90b", contrastText: "#0b0e11" },
    secondary: { main: "#5e8bff" },
    success: { main: "#26a69a" },
    error: { main: "#ef5350" },
    warning: { main: "#ffa726" },
    info: { main: "#4fc3f7" },
    background: { default: "#0b0e11", paper: "#161a1e" },
    divider: "rgba(255, 255, 255, 0.10)",
  },
  light: {
    primary: { main: "#c99400", contrastText: "#ffffff" },
    secondary: { main: "#3a63d8" },
    success: { main: "#0f8a7e" },
    error: { main: "#d32f2f" },
    warning: { main: "#e65100" },
    info: { main: "#0277bd" },
    background: { default: "#f5f5f5", paper: "#ffffff" },
    divider: "rgba(0, 0, 0, 0.12)",
  },
} as const;

/** The page background per mode (also painted before React starts, see main.tsx). */
export const PAGE_BACKGROUND: Record<ThemeName, string> = {
  dark: PALETTES.dark.background.default,
  light: PALETTES.light.background.default,
};

export function createAppTheme(mode: ThemeName): Theme {
  return createTheme({
    palette: { mode, ...PALETTES[mode] },
    shape: { borderRadius: 6 },
    typography: {
      fontFamily: 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
      fontSize: 13,
      button: { textTransform: "none", fontWeight: 600 },
    },
    components: {
      MuiCssBaseline: {
        styleOverrides: (theme: Theme) => ({
          // A visible keyboard focus everywhere, in both modes.
          ":focus-visible": { outline: `2px solid ${theme.palette.secondary.main}`, outlineOffset: 2 },
          body: { fontVariantNumeric: "tabular-nums" },
        }),
      },
      MuiAppBar: { defaultProps: { elevation: 0, color: "default" } },
      MuiPaper: { styleOverrides: { root: { backgroundImage: "none" } } },
      MuiTable: { defaultProps: { size: "small" } },
      MuiTableCell: {
        styleOverrides: { root: { fontVariantNumeric: "tabular-nums", whiteSpace: "nowrap" } },
      },
      MuiTextField: { defaultProps: { size: "small" } },
      MuiToolbar: { styleOverrides: { dense: { minHeight: 48 } } },
      MuiTooltip: { defaultProps: { arrow: true } },
    },
  });
}

/** The default (dark) theme, for code that renders outside the app's theme provider. */
export const theme = createAppTheme("dark");
