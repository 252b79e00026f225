import { useState } from "react";
import { Box, Button, Paper, Stack, Typography } from "@mui/material";
import PowerSettingsNewIcon from "@mui/icons-material/PowerSettingsNew";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  engageKillSwitch,
  haltedByKillSwitch,
  releaseKillSwitch,
  useKillSwitchRuns,
  useTradingState,
  type KillSwitchRun,
} from "../../api/risk";
import { useEnvironment } from "../../api/status";
import { TradeGuard, useIsAdmin } from "../../auth/permissions";
import { useAccountEvents } from "../../realtime";
import { apiErrorText } from "../positions/format";
import { KillSwitchDialog } from "./KillSwitchDialog";
import { KillSwitchProgress } from "./KillSwitchProgress";
import { ReleaseDialog } from "./ReleaseDialog";

/** The kill switch: engage (trader), watch the run, read its report, release (admin). */
export function KillSwitchPanel() {
  const queryClient = useQueryClient();
  const runs = useKillSwitchRuns();
  const tradingState = useTradingState();
  const environment = useEnvironment();
  const isAdmin = useIsAdmin();
  const [engageOpen, setEngageOpen] = useState(false);
  const [releaseOpen, setReleaseOpen] = useState(false);
  const [watchedRun, setWatchedRun] = useState<number | null>(null);

  const refreshRisk = () => {
    void queryClient.invalidateQueries({ queryKey: ["kill-switch"] });
    void queryClient.invalidateQueries({ queryKey: ["trading-state"] });
  };
  // Run and step progress ("risk.kill_switch", "risk.kill_switch_step") and state changes arrive as
  // account events of kind "risk" (kind "stream" before apps.realtime knew "risk").
  useAccountEvents(["risk", "stream"], (event) => {
    const what = typeof event.payload.event === "string" ? event.payload.event : "";
    if (what.startsWith("risk.kill_switch") || what === "risk.state") refreshRisk();
  });

  const engage = useMutation({
    mutationFn: engageKillSwitch,
    onSuccess: (run) => {
      setWatchedRun(run.id);
      setEngageOpen(false);
      // Show the run at once; polling and the account "risk" events bring its steps.
      queryClient.setQueryData<KillSwitchRun[]>(["kill-switch"], (old) => [run, ...(old ?? []).filter((r) => r.id !== run.id)]);
      refreshRisk();
    },
  });
  const release = useMutation({
    mutationFn: releaseKillSwitch,
    onSuccess: () => {
      setReleaseOpen(false);
      refreshRisk();
    },
  });

  const halted = haltedByKillSwitch(tradingState.data).map((row) => row.scope);
  const list = runs.data ?? [];
  const shown = list.find((r) => r.id === watchedRun) ?? list[0] ?? null;

  const releaseButton = (
    <Button
      variant="outlined"
      color="success"
      disabled={halted.length === 0}
      onClick={() => {
        release.reset();
        setReleaseOpen(true);
      }}
      data-testid="kill-switch-release"
    >
      Release…
    </Button>
  );

  return (
    <Paper variant="outlined" sx={{ p: 2, borderColor: "error.main" }}>
      <Stack direction={{ xs: "column", md: "row" }} spacing={2} sx={{ alignItems: { md: "center" }, mb: shown ? 2 : 0 }}>
        <TradeGuard>
          <Button
            variant="contained"
            color="error"
            size="large"
            startIcon={<PowerSettingsNewIcon />}
            onClick={() => {
              engage.reset();
              setEngageOpen(true);
            }}
            data-testid="kill-switch-button"
            sx={{ px: 4, py: 1.5, fontSize: 18, fontWeight: 800, letterSpacing: 1 }}
          >
            KILL SWITCH
          </Button>
        </TradeGuard>
        <Box sx={{ flex: 1 }}>
          <Typography variant="body2" color="text.secondary">
            Halts trading in a scope, cancels its open orders at the exchange and optionally closes its positions.
          </Typography>
          {halted.length > 0 && (
            <Typography variant="body2" color="error.main" sx={{ fontWeight: 600 }}>
              Halted by the kill switch: {halted.join(", ")}
            </Typography>
          )}
        </Box>
        <TradeGuard allowed={isAdmin} reason="Only an admin can release the kill switch">
          {releaseButton}
        </TradeGuard>
      </Stack>
      {shown && <KillSwitchProgress run={shown} />}
      {engageOpen && (
        <KillSwitchDialog
          open
          environment={environment}
          pending={engage.isPending}
          error={engage.isError ? apiErrorText(engage.error) : null}
          onCancel={() => setEngageOpen(false)}
          onConfirm={(body) => engage.mutate(body)}
        />
      )}
      {releaseOpen && (
        <ReleaseDialog
          open
          scopes={halted}
          pending={release.isPending}
          error={release.isError ? apiErrorText(release.error) : null}
          onCancel={() => setReleaseOpen(false)}
          onConfirm={(body) => release.mutate(body)}
        />
      )}
    </Paper>
  );
}
