import { useState } from "react";
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack, TextField, Typography } from "@mui/material";
import type { Alert as AlertRow } from "../../api/alerts";

export type AlertAction = "acknowledge" | "resolve";

export interface AlertActionDialogProps {
  alert: AlertRow;
  action: AlertAction;
  pending: boolean;
  error: string | null;
  onCancel: () => void;
  onConfirm: (note: string) => void;
}

/** Acknowledge or resolve one alert, with an optional note kept in its history. */
export function AlertActionDialog({ alert, action, pending, error, onCancel, onConfirm }: AlertActionDialogProps) {
  const [note, setNote] = useState("");
  const verb = action === "acknowledge" ? "Acknowledge" : "Resolve";
  return (
    <Dialog open onClose={onCancel} aria-labelledby="alert-action-title" maxWidth="xs" fullWidth data-testid="alert-action-dialog">
      <DialogTitle id="alert-action-title">
        {verb} alert #{alert.id}
      </DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <Typography variant="body2">{alert.title}</Typography>
          <TextField
            size="small"
            label="Note (optional)"
            multiline
            minRows={2}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            slotProps={{ htmlInput: { maxLength: 1000, "data-testid": "alert-action-note" } }}
          />
          {error && <Alert severity="error">{error}</Alert>}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button
          variant="contained"
          color={action === "acknowledge" ? "warning" : "success"}
          disabled={pending}
          onClick={() => onConfirm(note.trim())}
          data-testid="alert-action-confirm"
        >
          {verb}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
