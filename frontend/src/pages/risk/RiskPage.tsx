import { Alert, Paper, Stack, Typography } from "@mui/material";
import { useQueryClient } from "@tanstack/react-query";
import { PageHeader } from "../../components/PageHeader";
import { useRiskAlerts, useRiskUsage, useTradingState } from "../../api/risk";
import { useIsAdmin } from "../../auth/permissions";
import { StaleBadge, useAccountEvents, useNow } from "../../realtime";
import { KillSwitchPanel } from "./KillSwitchPanel";
import { PreferencesForm } from "./PreferencesForm";
import { RiskAlertsTable } from "./RiskAlertsTable";
import { RiskLimitsView } from "./RiskLimitsView";
import { TradingStatePanel } from "./TradingStatePanel";
import { UsageBars } from "./UsageBars";

export function RiskPage() {
  const queryClient = useQueryClient();
  const usage = useRiskUsage();
  const state = useTradingState();
  const alerts = useRiskAlerts();
  const isAdmin = useIsAdmin();
  const now = useNow();

  // The kill switch panel follows its own events; here alerts and usage follow risk events.
  useAccountEvents(["risk", "stream"], (event) => {
    const what = typeof event.payload.event === "string" ? event.payload.event : "";
    if (!what.startsWith("risk.")) return;
    if (what === "risk.alert") void queryClient.invalidateQueries({ queryKey: ["risk-alerts"] });
    void queryClient.invalidateQueries({ queryKey: ["risk-usage"] });
  });
  useAccountEvents(["position", "order", "balance"], () => {
    void queryClient.invalidateQueries({ queryKey: ["risk-usage"] });
  });

  const usageAge = usage.dataUpdatedAt ? now - usage.dataUpdatedAt : null;
  return (
    <>
      <PageHeader title="Risk" subtitle="Limits and their use, trading state, the kill switch, and your preferences." />
      <Stack spacing={3}>
        <KillSwitchPanel />
        {state.isError && <Alert severity="warning">Cannot load the trading state.</Alert>}
        <TradingStatePanel data={state.data} now={now} />
        <Paper variant="outlined" sx={{ p: 1.5 }}>
          <Stack direction="row" spacing={1} sx={{ alignItems: "center", mb: 1.5 }}>
            <Typography variant="h6" component="h2">
              Limits and usage{usage.data ? ` · version ${usage.data.version}` : ""}
            </Typography>
            <StaleBadge ageMs={usageAge} staleAfterMs={30_000} />
          </Stack>
          {usage.isError && <Alert severity="warning">Cannot load the risk usage.</Alert>}
          <UsageBars limits={usage.data?.limits ?? []} />
        </Paper>
        <Paper variant="outlined" sx={{ p: 1.5 }}>
          <Typography variant="h6" component="h2" sx={{ mb: 1 }}>
            Open risk alerts
          </Typography>
          <RiskAlertsTable alerts={alerts.data ?? []} now={now} loading={alerts.isPending} />
        </Paper>
        {isAdmin && <RiskLimitsView />}
        <PreferencesForm />
      </Stack>
    </>
  );
}
