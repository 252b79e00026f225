import { Chip, Tooltip } from "@mui/material";
import HistoryIcon from "@mui/icons-material/History";
import { ageLabel, DEFAULT_STALE_AFTER_MS, isStale } from "./hooks";

/**
 * Shown next to live data once it is older than `staleAfterMs` (default 10 s): the numbers on
 * screen are the last ones received, not the current ones. Nothing is rendered while data is fresh.
 */
export function StaleBadge({ ageMs, staleAfterMs = DEFAULT_STALE_AFTER_MS }: { ageMs: number | null; staleAfterMs?: number }) {
  if (!isStale(ageMs, staleAfterMs)) return null;
  const age = ageLabel(ageMs);
  return (
    <Tooltip describeChild title={`No update for ${age}; the values shown may be out of date.`}>
      <Chip
        data-testid="stale-badge"
        size="small"
        variant="outlined"
        icon={<HistoryIcon />}
        label={`stale · ${age}`}
        sx={{ color: "text.disabled", borderColor: "divider", height: 20, "& .MuiChip-icon": { color: "text.disabled" } }}
      />
    </Tooltip>
  );
}
