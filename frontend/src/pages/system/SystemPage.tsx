import { Alert, Box, Chip, Stack, Typography } from "@mui/material";
import { PageHeader } from "../../components/PageHeader";
import {
  breakers,
  clockOffsets,
  ratePools,
  STATUS_REFRESH_MS,
  useExchangeErrors,
  useExchangeStatus,
  useStreamsHealth,
  useSystemStatus,
} from "../../api/status";
import { ageLabel, useNow } from "../../realtime";
import { ComponentGrid } from "./ComponentGrid";
import { BreakersPanel, ExchangeErrorsTable, RateBudget } from "./ExchangePanels";
import { StreamsPanel } from "./StreamsPanel";

/** Three refreshes missed: what is on screen no longer describes the system now. */
export const STATUS_STALE_MS = 3 * STATUS_REFRESH_MS;

const OVERALL_COLOR = { ok: "success", degraded: "warning", down: "error" } as const;

export function SystemPage() {
  const status = useSystemStatus();
  const exchange = useExchangeStatus();
  const streams = useStreamsHealth();
  const errors = useExchangeErrors();
  const now = useNow();

  const data = status.data;
  const age = status.dataUpdatedAt ? now - status.dataUpdatedAt : null;
  const stale = age === null || age > STATUS_STALE_MS;
  const components = data?.components ?? [];
  const marketData = components.find((c) => c.name === "market_data");

  return (
    <>
      <PageHeader
        title="System"
        subtitle={`Component status, streams, rate budget and exchange errors; refreshed every ${STATUS_REFRESH_MS / 1000} s.`}
        actions={
          <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
            {data && (
              <Chip label={`Overall: ${data.overall}`} color={OVERALL_COLOR[data.overall] ?? "default"} data-testid="system-status" />
            )}
            {data && <Chip variant="outlined" label={data.environment.toUpperCase()} />}
            <Typography
              variant="caption"
              data-testid="system-age"
              sx={{ color: stale ? "warning.main" : "text.secondary" }}
            >
              {age === null ? "Not loaded yet" : `Updated ${ageLabel(age)} ago${stale ? " (stale)" : ""}`}
            </Typography>
          </Stack>
        }
      />
      {status.isError && (
        <Alert severity="warning" sx={{ mb: 2 }}>
          Cannot load /api/status/{status.error instanceof Error ? `: ${status.error.message}` : ""}.
          {data ? " Showing the last known status." : ""}
        </Alert>
      )}
      <Box
        data-testid="system-body"
        data-stale={stale ? "true" : "false"}
        aria-busy={status.isPending}
        sx={{ opacity: stale ? 0.5 : 1, filter: stale ? "grayscale(1)" : "none", transition: "opacity 200ms" }}
      >
        <Stack spacing={2}>
          <ComponentGrid components={components} now={now} />
          <Box sx={{ display: "grid", gap: 2, gridTemplateColumns: { xs: "1fr", lg: "1fr 1fr" } }}>
            <RateBudget pools={ratePools(data, exchange.data)} />
            <BreakersPanel breakers={breakers(data, exchange.data)} offsets={clockOffsets(data, exchange.data)} />
          </Box>
          <StreamsPanel health={streams.data} marketData={marketData} />
          <ExchangeErrorsTable rows={errors.data?.results ?? []} now={now} />
        </Stack>
      </Box>
    </>
  );
}
