import {
  Alert,
  Box,
  Chip,
  LinearProgress,
  List,
  ListItem,
  ListItemText,
  Paper,
  Stack,
  Typography,
} from "@mui/material";
import type { KillSwitchRun, StepStatus } from "../../api/risk";
import { runPhases, stepLabel, type PhaseStatus } from "./killSwitchPhases";

const PHASE_COLOR: Record<PhaseStatus, "default" | "info" | "success" | "error"> = {
  pending: "default",
  running: "info",
  done: "success",
  failed: "error",
  skipped: "default",
};

const STEP_COLOR: Record<StepStatus, "default" | "info" | "success" | "error"> = {
  PENDING: "default",
  STARTED: "info",
  DONE: "success",
  FAILED: "error",
  SKIPPED: "default",
};

function ReportView({ run }: { run: KillSwitchRun }) {
  const report = run.report;
  const summary = report.summary;
  const failed = report.failed ?? [];
  return (
    <Box data-testid="kill-switch-report">
      <Alert severity={failed.length > 0 ? "error" : "success"} sx={{ mb: 1 }}>
        Kill switch run #{run.id} finished
        {run.finished_at ? ` at ${new Date(run.finished_at).toLocaleTimeString()}` : ""}
        {failed.length > 0 ? ` with ${failed.length} failure(s).` : ": everything in scope is cancelled" + (run.close_positions ? " and closed." : ".")}
      </Alert>
      {summary && (
        <Stack direction="row" spacing={1} sx={{ flexWrap: "wrap", rowGap: 1 }}>
          <Chip size="small" label={`Orders cancelled: ${summary.canceled_orders}`} />
          <Chip size="small" label={`Symbols: ${summary.canceled_symbols}`} />
          <Chip size="small" label={`Positions closed: ${summary.closed}`} />
          <Chip size="small" label={`Dust left: ${summary.dust}`} />
          <Chip size="small" color={summary.failed ? "error" : "default"} label={`Failed: ${summary.failed}`} />
          <Chip size="small" label={`Attempts: ${summary.attempts}`} />
        </Stack>
      )}
      {failed.length > 0 && (
        <List dense>
          {failed.map((f, i) => (
            <ListItem key={`${f.step}-${i}`} disableGutters>
              <ListItemText primary={f.step} secondary={f.reason} />
            </ListItem>
          ))}
        </List>
      )}
      {(report.closed ?? []).length > 0 && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          Closed:{" "}
          {(report.closed ?? [])
            .map((c) => [c.market, c.symbol, c.side, c.quantity].filter((v) => typeof v === "string" && v).join(" "))
            .join("; ")}
        </Typography>
      )}
    </Box>
  );
}

/** Live progress of a run (phases and their steps), then its final report. */
export function KillSwitchProgress({ run }: { run: KillSwitchRun }) {
  const phases = runPhases(run);
  const running = run.status === "RUNNING";
  return (
    <Paper variant="outlined" sx={{ p: 1.5 }} data-testid="kill-switch-progress" data-status={run.status}>
      <Stack direction="row" spacing={1} sx={{ alignItems: "center", mb: 1 }}>
        <Typography variant="subtitle1" sx={{ fontWeight: 600 }}>
          Run #{run.id} · scope {run.scope}
          {run.close_positions ? " · closing positions" : ""}
        </Typography>
        <Chip size="small" color={running ? "warning" : "default"} label={run.status} />
        {run.engaged_by && (
          <Typography variant="caption" color="text.secondary">
            by {run.engaged_by}, {new Date(run.created_at).toLocaleTimeString()}
          </Typography>
        )}
      </Stack>
      {running && <LinearProgress color="error" sx={{ mb: 1 }} aria-label="Kill switch running" />}
      <List dense disablePadding>
        {phases.map((phase) => (
          <ListItem key={phase.key} disableGutters data-testid={`kill-phase-${phase.key}`} data-status={phase.status} sx={{ display: "block" }}>
            <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
              <Chip size="small" variant="outlined" color={PHASE_COLOR[phase.status]} label={phase.status} sx={{ minWidth: 72 }} />
              <Typography variant="body2">{phase.label}</Typography>
            </Stack>
            {phase.steps
              .filter((s) => !s.kind.startsWith("plan_"))
              .map((s) => (
                <Stack key={s.key} direction="row" spacing={1} sx={{ pl: 4, alignItems: "center" }}>
                  <Chip size="small" color={STEP_COLOR[s.status]} label={s.status} sx={{ height: 18, fontSize: 11 }} />
                  <Typography variant="caption" sx={{ fontFamily: "monospace" }}>
                    {stepLabel(s)}
                  </Typography>
                  {s.error && (
                    <Typography variant="caption" color="error.main">
                      {s.error}
                    </Typography>
                  )}
                </Stack>
              ))}
          </ListItem>
        ))}
      </List>
      {!running && <ReportView run={run} />}
    </Paper>
  );
}
