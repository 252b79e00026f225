import { useState } from "react";
import {
  Alert as MuiAlert,
  Badge,
  Box,
  Button,
  IconButton,
  List,
  ListItemButton,
  ListItemText,
  Popover,
  Snackbar,
  Stack,
  Tooltip,
  Typography,
} from "@mui/material";
import CloseIcon from "@mui/icons-material/Close";
import NotificationsIcon from "@mui/icons-material/Notifications";
import { useQueryClient } from "@tanstack/react-query";
import { Link as RouterLink, useNavigate } from "react-router-dom";
import { activeCount, isAlertEventPayload, useAlerts, useAlertSummary, type Alert } from "../api/alerts";
import { SeverityChip } from "../pages/alerts/AlertChips";
import { ageLabel, useAccountEvents, useNow } from "../realtime";

/** Shown once per alert event, for the severities that need a person now. */
interface Toast {
  key: number;
  alert: Alert;
  event: string;
}

/**
 * Top-bar bell: badge = open + acknowledged alerts (from `/api/alerts/summary/`), a popover with
 * the latest active alerts, and a snackbar when a warning or critical alert opens (or reminds).
 * In-app alert events (`kind: "alert"`) refresh both at once.
 */
export function AlertBell() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const summary = useAlertSummary();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const latest = useAlerts("active");
  const [toast, setToast] = useState<Toast | null>(null);

  useAccountEvents(["alert"], (event) => {
    void queryClient.invalidateQueries({ queryKey: ["alerts-summary"] });
    void queryClient.invalidateQueries({ queryKey: ["alerts"] });
    const payload = event.payload;
    if (!isAlertEventPayload(payload)) return;
    const loud = payload.alert.severity === "critical" || payload.alert.severity === "warning";
    if (loud && (payload.event === "opened" || payload.event === "reminder")) {
      setToast({ key: event.seq, alert: payload.alert, event: payload.event });
    }
  });

  const count = activeCount(summary.data);
  const critical = summary.data?.by_severity.critical ?? 0;
  const label = summary.data ? `${count} active alert${count === 1 ? "" : "s"}` : "Alerts";
  const items = (latest.data?.results ?? []).slice(0, 8);
  const now = useNow(15_000);

  return (
    <>
      <Tooltip title={label}>
        <IconButton
          aria-label={label}
          data-testid="alert-bell"
          data-count={count}
          onClick={(e) => setAnchor(e.currentTarget)}
          color="inherit"
        >
          <Badge badgeContent={count} color={critical > 0 ? "error" : "warning"} max={99} data-testid="alert-bell-count">
            <NotificationsIcon />
          </Badge>
        </IconButton>
      </Tooltip>
      <Popover
        open={anchor !== null}
        anchorEl={anchor}
        onClose={() => setAnchor(null)}
        anchorOrigin={{ vertical: "bottom", horizontal: "right" }}
        transformOrigin={{ vertical: "top", horizontal: "right" }}
      >
        <Box sx={{ width: 360, maxWidth: "100vw" }} data-testid="alert-bell-popover">
          <Stack direction="row" sx={{ px: 2, py: 1, alignItems: "center", justifyContent: "space-between" }}>
            <Typography variant="subtitle2">Active alerts</Typography>
            <Button size="small" component={RouterLink} to="/alerts" onClick={() => setAnchor(null)}>
              Open alert centre
            </Button>
          </Stack>
          <List dense disablePadding>
            {items.map((a) => (
              <ListItemButton
                key={a.id}
                onClick={() => {
                  setAnchor(null);
                  navigate("/alerts");
                }}
              >
                <Stack direction="row" spacing={1} sx={{ alignItems: "center", width: "100%" }}>
                  <SeverityChip severity={a.severity} />
                  <ListItemText
                    primary={a.title}
                    secondary={`${a.state} · ${ageLabel(now - Date.parse(a.opened_at))} ago`}
                    slotProps={{ primary: { noWrap: true } }}
                  />
                </Stack>
              </ListItemButton>
            ))}
            {items.length === 0 && (
              <Typography variant="body2" color="text.secondary" sx={{ px: 2, pb: 1.5 }}>
                {latest.isPending ? "Loading…" : "No active alerts."}
              </Typography>
            )}
          </List>
        </Box>
      </Popover>
      <Snackbar
        key={toast?.key}
        open={toast !== null}
        autoHideDuration={toast?.alert.severity === "critical" ? null : 8_000}
        onClose={(_, reason) => reason !== "clickaway" && setToast(null)}
        anchorOrigin={{ vertical: "bottom", horizontal: "right" }}
      >
        {toast ? (
          <MuiAlert
            severity={toast.alert.severity === "critical" ? "error" : "warning"}
            variant="filled"
            data-testid="alert-snackbar"
            action={
              <>
                <Button color="inherit" size="small" component={RouterLink} to="/alerts" onClick={() => setToast(null)}>
                  View
                </Button>
                <IconButton color="inherit" size="small" aria-label="Dismiss" onClick={() => setToast(null)}>
                  <CloseIcon fontSize="small" />
                </IconButton>
              </>
            }
          >
            {toast.event === "reminder" ? "Still open: " : ""}
            {toast.alert.title}
          </MuiAlert>
        ) : undefined}
      </Snackbar>
    </>
  );
}
