import { useState } from "react";
import {
  Alert,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  MenuItem,
  Stack,
  TextField,
} from "@mui/material";

export interface ReleaseDialogProps {
  open: boolean;
  scopes: string[];
  pending: boolean;
  error: string | null;
  onCancel: () => void;
  onConfirm: (body: { scope: string; reason: string }) => void;
}

/** Admin: set a scope the kill switch halted back to ACTIVE, with a reason (audited). */
export function ReleaseDialog({ open, scopes, pending, error, onCancel, onConfirm }: ReleaseDialogProps) {
  const [scope, setScope] = useState(scopes[0] ?? "all");
  const [reason, setReason] = useState("");
  return (
    <Dialog open={open} onClose={onCancel} aria-labelledby="release-title" data-testid="kill-switch-release-dialog" maxWidth="xs" fullWidth>
      <DialogTitle id="release-title">Release the kill switch</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <DialogContentText>Trading in the scope becomes ACTIVE again: new orders are accepted.</DialogContentText>
          <TextField select size="small" label="Scope" value={scope} onChange={(e) => setScope(e.target.value)}>
            {(scopes.length > 0 ? scopes : ["all"]).map((s) => (
              <MenuItem key={s} value={s}>
                {s}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            size="small"
            label="Reason"
            required
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            slotProps={{ htmlInput: { maxLength: 500, "data-testid": "kill-switch-release-reason" } }}
          />
          {error && <Alert severity="error">{error}</Alert>}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button
          variant="contained"
          color="success"
          disabled={pending || reason.trim() === ""}
          onClick={() => onConfirm({ scope, reason: reason.trim() })}
          data-testid="kill-switch-release-confirm"
        >
          Release {scope}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
