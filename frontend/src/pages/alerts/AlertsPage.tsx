import { useState } from "react";
import {
  Alert as MuiAlert,
  Button,
  Paper,
  Stack,
  Tab,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Tabs,
  Typography,
} from "@mui/material";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { PageHeader } from "../../components/PageHeader";
import {
  acknowledgeAlert,
  resolveAlert,
  useAlerts,
  useAlertSummary,
  type Alert,
  type AlertFilter,
} from "../../api/alerts";
import { TradeGuard, VIEWER_CANNOT_CHANGE } from "../../auth/permissions";
import { ageLabel, StaleBadge, useAccountEvents, useNow } from "../../realtime";
import { apiErrorText } from "../positions/format";
import { AlertActionDialog, type AlertAction } from "./AlertActionDialog";
import { SeverityChip, StateChip } from "./AlertChips";
import { AlertDrawer } from "./AlertDrawer";

const TABS: { value: AlertFilter; label: string }[] = [
  { value: "active", label: "Active" },
  { value: "resolved", label: "Resolved" },
];

export function AlertsPage() {
  const queryClient = useQueryClient();
  const [tab, setTab] = useState<AlertFilter>("active");
  const [page, setPage] = useState(1);
  const [detail, setDetail] = useState<number | null>(null);
  const [pending, setPending] = useState<{ alert: Alert; action: AlertAction } | null>(null);
  const alerts = useAlerts(tab, page);
  const summary = useAlertSummary();
  const now = useNow();

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["alerts"] });
    void queryClient.invalidateQueries({ queryKey: ["alerts-summary"] });
  };
  useAccountEvents(["alert"], refresh);

  const act = useMutation({
    mutationFn: ({ alert, action, note }: { alert: Alert; action: AlertAction; note: string }) =>
      action === "acknowledge" ? acknowledgeAlert(alert.id, note) : resolveAlert(alert.id, note),
    onSuccess: () => {
      setPending(null);
      refresh();
    },
  });

  const rows = alerts.data?.results ?? [];
  const count = alerts.data?.count ?? 0;
  const age = alerts.dataUpdatedAt ? now - alerts.dataUpdatedAt : null;
  const open = (alert: Alert, action: AlertAction) => {
    act.reset();
    setPending({ alert, action });
  };

  return (
    <>
      <PageHeader
        title="Alerts"
        subtitle={
          summary.data
            ? `${summary.data.open} open · ${summary.data.acknowledged} acknowledged · ${summary.data.by_severity.critical ?? 0} critical`
            : "Alert centre"
        }
        actions={<StaleBadge ageMs={age} staleAfterMs={60_000} />}
      />
      <Tabs
        value={tab}
        onChange={(_, v: AlertFilter) => {
          setTab(v);
          setPage(1);
        }}
        aria-label="Alert state"
        sx={{ mb: 1 }}
      >
        {TABS.map((t) => (
          <Tab key={t.value} value={t.value} label={t.label} data-testid={`alerts-tab-${t.value}`} />
        ))}
      </Tabs>
      {alerts.isError && <MuiAlert severity="warning" sx={{ mb: 1 }}>Cannot load alerts.</MuiAlert>}
      <TableContainer component={Paper} variant="outlined">
        <Table size="small" aria-label="Alerts" data-testid="alerts-table">
          <TableHead>
            <TableRow>
              <TableCell>Severity</TableCell>
              <TableCell>Title</TableCell>
              <TableCell>Message</TableCell>
              <TableCell>Opened</TableCell>
              <TableCell>State</TableCell>
              <TableCell align="right">Actions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((a) => (
              <TableRow
                key={a.id}
                data-testid={`alert-row-${a.id}`}
                data-state={a.state}
                hover
                onClick={() => setDetail(a.id)}
                sx={{ cursor: "pointer" }}
              >
                <TableCell>
                  <SeverityChip severity={a.severity} />
                </TableCell>
                <TableCell sx={{ fontWeight: 600 }}>{a.title}</TableCell>
                <TableCell sx={{ maxWidth: 420, wordBreak: "break-word" }}>{a.message}</TableCell>
                <TableCell title={new Date(a.opened_at).toLocaleString()}>{ageLabel(now - Date.parse(a.opened_at))} ago</TableCell>
                <TableCell>
                  <StateChip state={a.state} />
                </TableCell>
                <TableCell align="right" onClick={(e) => e.stopPropagation()}>
                  <Stack direction="row" spacing={0.5} sx={{ justifyContent: "flex-end" }}>
                    {a.state === "open" && (
                      <TradeGuard reason={VIEWER_CANNOT_CHANGE}>
                        <Button size="small" variant="outlined" color="warning" onClick={() => open(a, "acknowledge")} data-testid={`ack-alert-${a.id}`}>
                          Acknowledge
                        </Button>
                      </TradeGuard>
                    )}
                    {a.state !== "resolved" && (
                      <TradeGuard reason={VIEWER_CANNOT_CHANGE}>
                        <Button size="small" variant="outlined" color="success" onClick={() => open(a, "resolve")} data-testid={`resolve-alert-${a.id}`}>
                          Resolve
                        </Button>
                      </TradeGuard>
                    )}
                  </Stack>
                </TableCell>
              </TableRow>
            ))}
            {rows.length === 0 && (
              <TableRow>
                <TableCell colSpan={6}>
                  <Typography color="text.secondary">
                    {alerts.isPending ? "Loading…" : tab === "active" ? "No active alerts." : "No resolved alerts."}
                  </Typography>
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
      </TableContainer>
      {count > rows.length && (
        <Stack direction="row" spacing={1} sx={{ mt: 1, alignItems: "center" }}>
          <Button size="small" disabled={!alerts.data?.previous} onClick={() => setPage((p) => Math.max(1, p - 1))}>
            Previous
          </Button>
          <Typography variant="caption">
            Page {page} · {count} alerts
          </Typography>
          <Button size="small" disabled={!alerts.data?.next} onClick={() => setPage((p) => p + 1)}>
            Next
          </Button>
        </Stack>
      )}
      <AlertDrawer id={detail} onClose={() => setDetail(null)} />
      {pending && (
        <AlertActionDialog
          alert={pending.alert}
          action={pending.action}
          pending={act.isPending}
          error={act.isError ? apiErrorText(act.error) : null}
          onCancel={() => setPending(null)}
          onConfirm={(note) => act.mutate({ ...pending, note })}
        />
      )}
    </>
  );
}
