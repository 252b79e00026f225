import {
  Box,
  Divider,
  Drawer,
  IconButton,
  List,
  ListItem,
  ListItemText,
  Stack,
  Typography,
} from "@mui/material";
import CloseIcon from "@mui/icons-material/Close";
import { useAlert } from "../../api/alerts";
import { SeverityChip, StateChip } from "./AlertChips";

function json(value: unknown): string {
  if (value === null || value === undefined) return "—";
  return JSON.stringify(value, null, 2);
}

/** One alert in full: message, rule, labels, last value, and its history of events. */
export function AlertDrawer({ id, onClose }: { id: number | null; onClose: () => void }) {
  const detail = useAlert(id);
  const a = detail.data;
  return (
    <Drawer anchor="right" open={id !== null} onClose={onClose} slotProps={{ paper: { sx: { width: { xs: "100%", sm: 440 } } } }}>
      <Box sx={{ p: 2 }} data-testid="alert-drawer" role="region" aria-label="Alert detail">
        <Stack direction="row" sx={{ alignItems: "center", justifyContent: "space-between" }}>
          <Typography variant="h6">Alert #{id}</Typography>
          <IconButton aria-label="Close alert detail" onClick={onClose}>
            <CloseIcon />
          </IconButton>
        </Stack>
        {detail.isPending && id !== null && <Typography color="text.secondary">Loading…</Typography>}
        {detail.isError && <Typography color="error.main">Cannot load this alert.</Typography>}
        {a && (
          <Stack spacing={1.5}>
            <Stack direction="row" spacing={1}>
              <SeverityChip severity={a.severity} />
              <StateChip state={a.state} />
            </Stack>
            <Typography variant="subtitle1" sx={{ fontWeight: 600 }}>
              {a.title}
            </Typography>
            <Typography variant="body2" sx={{ whiteSpace: "pre-wrap" }}>
              {a.message}
            </Typography>
            <Typography variant="caption" color="text.secondary">
              Rule: {a.rule_name ?? "ad hoc"}
              {a.rule_type ? ` (${a.rule_type})` : ""} · key {a.key}
            </Typography>
            <Typography variant="caption" color="text.secondary">
              Opened {new Date(a.opened_at).toLocaleString()}
              {a.acknowledged_at ? ` · acknowledged ${new Date(a.acknowledged_at).toLocaleString()}${a.acknowledged_by ? ` by ${a.acknowledged_by}` : ""}` : ""}
              {a.resolved_at ? ` · resolved ${new Date(a.resolved_at).toLocaleString()}` : ""}
            </Typography>
            <Divider />
            <Typography variant="subtitle2">Last value</Typography>
            <Box component="pre" sx={{ m: 0, fontSize: 12, overflowX: "auto" }}>
              {json(a.last_value)}
            </Box>
            <Typography variant="subtitle2">Labels</Typography>
            <Box component="pre" sx={{ m: 0, fontSize: 12, overflowX: "auto" }}>
              {json(a.labels)}
            </Box>
            <Divider />
            <Typography variant="subtitle2">History</Typography>
            <List dense disablePadding data-testid="alert-history">
              {a.history.map((h, i) => (
                <ListItem key={`${h.at}-${i}`} disableGutters>
                  <ListItemText
                    primary={`${h.event}${h.actor ? ` · ${h.actor}` : ""}`}
                    secondary={`${new Date(h.at).toLocaleString()}${h.note ? ` — ${h.note}` : ""}`}
                  />
                </ListItem>
              ))}
              {a.history.length === 0 && <Typography variant="body2" color="text.secondary">No events.</Typography>}
            </List>
          </Stack>
        )}
      </Box>
    </Drawer>
  );
}
