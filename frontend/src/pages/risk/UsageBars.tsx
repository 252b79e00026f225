import { Box, LinearProgress, Stack, Tooltip, Typography } from "@mui/material";
import { usageLevel, type LimitUsage, type UsageLevel } from "../../api/risk";
import { formatDecimal, isDecimal, toNumber } from "../../lib/decimal";

const BAR_COLOR: Record<UsageLevel, "primary" | "warning" | "error"> = {
  normal: "primary",
  warning: "warning",
  error: "error",
};

function show(value: string | null, unit: string): string {
  if (value === null) return "—";
  const text = isDecimal(value) ? formatDecimal(value, { group: true }) : value;
  return unit === "x" ? `${text}x` : `${text} ${unit}`;
}

/** One bar per limit: value and limit as decimal strings, coloured by how close the value is. */
export function UsageBars({ limits }: { limits: LimitUsage[] }) {
  return (
    <Stack spacing={1.5} data-testid="risk-usage">
      {limits.map((u) => {
        const level = usageLevel(u.used_pct);
        const pct = u.used_pct !== null && isDecimal(u.used_pct) ? Math.max(0, Math.min(100, toNumber(u.used_pct))) : 0;
        return (
          <Box key={u.limit} data-testid={`usage-${u.limit}`} data-level={level}>
            <Stack direction="row" sx={{ justifyContent: "space-between", gap: 1 }}>
              <Tooltip describeChild title={u.detail ? `${u.limit}: ${u.detail}` : u.limit}>
                <Typography variant="body2">
                  {u.label}
                  {u.detail ? (
                    <Typography component="span" variant="caption" color="text.secondary">
                      {" "}
                      · {u.detail}
                    </Typography>
                  ) : null}
                </Typography>
              </Tooltip>
              <Typography variant="body2" sx={{ fontVariantNumeric: "tabular-nums", color: level === "normal" ? "text.primary" : `${BAR_COLOR[level]}.main` }}>
                {show(u.current, u.unit)} / {show(u.limit_value, u.unit)}
                {u.used_pct !== null ? ` (${formatDecimal(u.used_pct, { decimals: 1 })} %)` : ""}
              </Typography>
            </Stack>
            <LinearProgress
              variant="determinate"
              value={pct}
              color={BAR_COLOR[level]}
              aria-label={`${u.label} used`}
              sx={{ height: 8, borderRadius: 1 }}
            />
          </Box>
        );
      })}
      {limits.length === 0 && <Typography color="text.secondary">No limits reported.</Typography>}
    </Stack>
  );
}
