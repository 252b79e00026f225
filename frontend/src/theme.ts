import { createTheme } from "@mui/material/styles";

/** Dark by default: traders expect it. Colours follow the usual exchange palette. */
export const theme = createTheme({
  palette: {
    mode: "dark",
    primary: { main: "#f0b90b" },
    secondary: { main: "#5e8bff" },
    success: { main: "#26a69a" },
    error: { main: "#ef5350" },
    warning: { main: "#ffa726" },
    background: { default: "#0b0e11", paper: "#161a1e" },
    divider: "rgba(255, 255, 255, 0.10)",
  },
  shape: { borderRadius: 6 },
  typography: {
    fontFamily: 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    button: { textTransform: "none", fontWeight: 600 },
  },
  components: {
    MuiAppBar: { defaultProps: { elevation: 0, color: "default" } },
    MuiPaper: { styleOverrides: { root: { backgroundImage: "none" } } },
    MuiTableCell: { styleOverrides: { root: { fontVariantNumeric: "tabular-nums" } } },
  },
});
