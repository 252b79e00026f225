import { Link as RouterLink } from "react-router-dom";
import { Box, Chip, Tooltip } from "@mui/material";
import { useTradingStateSummary, worstState, type TradingStateValue } from "./useTradingState";

const VIEW: Record<TradingStateValue, { label: string; color: "success" | "warning" | "error" }> = {
  ACTIVE: { label: "Trading active", color: "success" },
  REDUCE_ONLY: { label: "Reduce only", color: "warning" },
  HALTED: { label: "Halted", color: "error" },
};

const MARKET_LABEL: Record<string, string> = { SPOT: "Spot", USDM: "USD-M" };

/** The most restrictive trading state in force; the tooltip gives each market's and the reasons. */
export function TradingStateChip() {
  const { data, isError } = useTradingStateSummary();
  if (!data) {
    return (
      <Chip
        data-testid="trading-state-chip"
        data-state="unknown"
        size="small"
        variant="outlined"
        label={isError ? "State unknown" : "State…"}
      />
    );
  }
  const effective = Object.entries(data.effective ?? {});
  const state = worstState([data.global, ...effective.map(([, s]) => s)]);
  const view = VIEW[state];
  const restricted = (data.scopes ?? []).filter((s) => s.state !== "ACTIVE");
  const tip = (
    <Box component="span" sx={{ display: "block" }}>
      {effective.map(([market, s]) => (
        <Box component="span" key={market} sx={{ display: "block" }}>
          {MARKET_LABEL[market] ?? market}: {s.replace("_", " ").toLowerCase()}
        </Box>
      ))}
      {restricted.map((s) => (
        <Box component="span" key={s.scope} sx={{ display: "block", opacity: 0.85 }}>
          {s.scope}: {s.state.replace("_", " ").toLowerCase()}
          {s.reason ? ` — ${s.reason}` : ""}
        </Box>
      ))}
      <Box component="span" sx={{ display: "block", mt: 0.5, opacity: 0.7 }}>
        Open the Risk page for details
      </Box>
    </Box>
  );
  return (
    <Tooltip describeChild title={tip}>
      <Chip
        component={RouterLink}
        to="/risk"
        clickable
        data-testid="trading-state-chip"
        data-state={state}
        size="small"
        color={view.color}
        variant={state === "ACTIVE" ? "outlined" : "filled"}
        label={view.label}
      />
    </Tooltip>
  );
}
