import { Chip, Tooltip } from "@mui/material";
import { useExchangeEnvironment, type EnvironmentBadge as Badge } from "../api/exchange";

/** Distinct at a glance: blue for the local simulator, amber for testnet, solid red for real money. */
const ENVIRONMENT_VIEW: Record<Badge, { bg: string; fg: string; tip: string }> = {
  SIM: { bg: "#1e6fd9", fg: "#ffffff", tip: "Local exchange simulator: no real orders, no real money." },
  TESTNET: { bg: "#f9a825", fg: "#1a1a1a", tip: "Binance testnet: real exchange software, test funds." },
  LIVE: { bg: "#d50000", fg: "#ffffff", tip: "LIVE Binance account: orders use real money." },
};

export function EnvironmentBadge() {
  const { data, isError } = useExchangeEnvironment();
  if (!data) {
    return (
      <Tooltip describeChild title={isError ? "Exchange status unavailable" : "Checking the exchange environment…"}>
        <Chip data-testid="environment-badge" data-environment="unknown" size="small" variant="outlined" label="ENV ?" />
      </Tooltip>
    );
  }
  const view = ENVIRONMENT_VIEW[data];
  return (
    <Tooltip describeChild title={view.tip}>
      <Chip
        data-testid="environment-badge"
        data-environment={data}
        size="small"
        label={data}
        sx={{ bgcolor: view.bg, color: view.fg, fontWeight: 800, letterSpacing: 0.8 }}
      />
    </Tooltip>
  );
}
