import { Alert, Stack, Typography } from "@mui/material";
import { useQueryClient } from "@tanstack/react-query";
import { PageHeader } from "../../components/PageHeader";
import { useBalances, usePositions } from "../../api/positions";
import { StaleBadge, useAccountEvents, useNow } from "../../realtime";
import { BalancesTable } from "./BalancesTable";
import { PositionsTable } from "./PositionsTable";
import { useLiveMarks } from "./useLiveMarks";

export function PositionsPage() {
  const queryClient = useQueryClient();
  const positions = usePositions();
  const balances = useBalances();
  const rows = positions.data ?? [];
  const { marks, status } = useLiveMarks(rows.map((p) => p.symbol));
  const now = useNow();

  // A position or balance event means the stored rows moved: refetch them (and the totals).
  useAccountEvents(["position", "balance"], (event) => {
    void queryClient.invalidateQueries({ queryKey: [event.kind === "position" ? "positions" : "balances"] });
    void queryClient.invalidateQueries({ queryKey: ["portfolio"] });
  });

  const positionsAge = positions.dataUpdatedAt ? now - positions.dataUpdatedAt : null;
  return (
    <>
      <PageHeader
        title="Positions"
        subtitle="USD-M positions with live mark price and P&L; spot and futures balances."
        actions={<StaleBadge ageMs={positionsAge} staleAfterMs={60_000} />}
      />
      <Stack spacing={3}>
        {positions.isError && (
          <Alert severity="warning">
            Cannot load positions{positions.error instanceof Error ? `: ${positions.error.message}` : ""}.
            {positions.data ? " Showing the last known rows." : ""}
          </Alert>
        )}
        <PositionsTable
          positions={rows}
          marks={marks}
          streamStatus={status}
          now={now}
          loading={positions.isPending}
        />
        <Typography variant="h6" component="h2">
          Balances
        </Typography>
        {balances.isError && <Alert severity="warning">Cannot load balances.</Alert>}
        <BalancesTable balances={balances.data ?? []} loading={balances.isPending} />
      </Stack>
    </>
  );
}
