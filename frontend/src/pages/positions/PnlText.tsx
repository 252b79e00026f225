import { Box } from "@mui/material";
import { formatDecimal, isDecimal } from "../../lib/decimal";
import { pnlColor } from "./format";

/** A signed amount coloured green/red, "+" on gains. */
export function PnlText({
  value,
  decimals = 2,
  suffix = "",
  testId,
}: {
  value: string | null | undefined;
  decimals?: number;
  suffix?: string;
  testId?: string;
}) {
  const text = value && isDecimal(value) ? formatDecimal(value, { decimals, group: true, sign: true }) : "—";
  return (
    <Box component="span" data-testid={testId} sx={{ color: pnlColor(value), fontVariantNumeric: "tabular-nums" }}>
      {text}
      {text !== "—" ? suffix : ""}
    </Box>
  );
}
