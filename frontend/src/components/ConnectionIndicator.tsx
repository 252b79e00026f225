import { Box, Chip, Tooltip } from "@mui/material";
import { ageLabel, useNow, useRealtimeStatus, type ConnectionStatus } from "../realtime";

const DOT: Record<ConnectionStatus, string> = {
  online: "success.main",
  connecting: "text.disabled",
  offline: "warning.main",
};

const WORD: Record<ConnectionStatus, string> = { online: "live", connecting: "connecting", offline: "offline" };

/** Both live connections in one chip: market data and account updates, each with its own dot. */
export function ConnectionIndicator() {
  const status = useRealtimeStatus();
  const now = useNow(1_000);
  const overall: ConnectionStatus =
    status.market === "offline" || status.account === "offline"
      ? "offline"
      : status.market === "online" && status.account === "online"
        ? "online"
        : "connecting";
  const line = (name: string, s: ConnectionStatus, since: number) =>
    `${name}: ${WORD[s]}${since > 0 && s !== "connecting" ? ` for ${ageLabel(now - since)}` : ""}`;
  const tip = (
    <Box component="span" sx={{ display: "block" }}>
      <Box component="span" sx={{ display: "block" }}>
        {line("Market data", status.market, status.marketSince)}
      </Box>
      <Box component="span" sx={{ display: "block" }}>
        {line("Account updates", status.account, status.accountSince)}
      </Box>
      {overall === "offline" && (
        <Box component="span" sx={{ display: "block", mt: 0.5 }}>
          Retrying in the background; pages still work, live updates are paused.
        </Box>
      )}
    </Box>
  );
  const dot = (s: ConnectionStatus, label: string) => (
    <Box
      component="span"
      aria-label={`${label} ${WORD[s]}`}
      sx={{ width: 8, height: 8, borderRadius: "50%", bgcolor: DOT[s], display: "inline-block" }}
    />
  );
  return (
    <Tooltip describeChild title={tip}>
      <Chip
        data-testid="connection-indicator"
        data-status={overall}
        data-market={status.market}
        data-account={status.account}
        size="small"
        variant="outlined"
        color={overall === "offline" ? "warning" : overall === "online" ? "success" : "default"}
        label={
          <Box component="span" sx={{ display: "inline-flex", alignItems: "center", gap: 0.75 }}>
            {dot(status.market, "Market data")}
            <Box component="span">Market</Box>
            {dot(status.account, "Account updates")}
            <Box component="span">Account</Box>
          </Box>
        }
      />
    </Tooltip>
  );
}
