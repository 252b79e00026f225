import { Box, Chip, Tooltip } from "@mui/material";
import CheckCircleIcon from "@mui/icons-material/CheckCircle";
import ErrorIcon from "@mui/icons-material/Error";
import HelpOutlineIcon from "@mui/icons-material/HelpOutlined";
import { failingChecks } from "../api/health";
import type { ReadyzResponse } from "../api/types";
import { healthStatus, useReadyz } from "../hooks/useReadyz";

function FailTooltip({ data }: { data: ReadyzResponse }) {
  const failing = failingChecks(data);
  return (
    <Box component="span" sx={{ display: "block" }}>
      <strong>Failing checks</strong>
      <Box component="ul" sx={{ m: 0, pl: 2 }}>
        {failing.length === 0 && <li>none reported</li>}
        {failing.map((name) => (
          <li key={name}>
            {name}
            {data.checks[name]?.error ? `: ${data.checks[name]?.error}` : ""}
          </li>
        ))}
      </Box>
    </Box>
  );
}

/** Top-bar chip driven by `/readyz` (polled every 10 s). */
export function HealthIndicator() {
  const { data, isError, error } = useReadyz();
  const status = healthStatus(data, isError);

  if (status === "ok") {
    return (
      <Tooltip describeChild title="All readiness checks pass">
        <Chip
          data-testid="health-indicator"
          data-status="ok"
          size="small"
          color="success"
          icon={<CheckCircleIcon />}
          label="Healthy"
        />
      </Tooltip>
    );
  }
  if (status === "fail" && data) {
    const failing = failingChecks(data);
    return (
      <Tooltip describeChild title={<FailTooltip data={data} />}>
        <Chip
          data-testid="health-indicator"
          data-status="fail"
          data-failing={failing.join(",")}
          size="small"
          color="error"
          icon={<ErrorIcon />}
          label="Degraded"
        />
      </Tooltip>
    );
  }
  const reason = isError
    ? `Health endpoint unreachable${error instanceof Error ? `: ${error.message}` : ""}`
    : "Checking health…";
  return (
    <Tooltip describeChild title={reason}>
      <Chip
        data-testid="health-indicator"
        data-status="unknown"
        size="small"
        icon={<HelpOutlineIcon />}
        label="Unknown"
        sx={{ bgcolor: "grey.700", color: "grey.100", "& .MuiChip-icon": { color: "grey.300" } }}
      />
    </Tooltip>
  );
}
