import { useState } from "react";
import {
  Alert,
  Button,
  Checkbox,
  FormControlLabel,
  FormHelperText,
  MenuItem,
  Paper,
  Stack,
  TextField,
  Typography,
} from "@mui/material";
import { ApiError } from "../../api/client";
import { usePreferences, useSavePreferences } from "../../api/preferences";
import { isDecimal } from "../../lib/decimal";
import { fromServer, preferencesBody, INTERVALS, TICKET_TYPES, TIFS, type FormState } from "./preferences";

/** Dashboard preferences of the signed-in user (every role may change their own). */
export function PreferencesForm() {
  const prefs = usePreferences();
  const [edited, setEdited] = useState<FormState | null>(null);
  const form = edited ?? (prefs.data ? fromServer(prefs.data) : null);

  const save = useSavePreferences();

  const fieldErrors = save.error instanceof ApiError ? save.error.fieldErrors : {};
  const err = (name: string) => fieldErrors[name]?.join(" ");
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    if (form) setEdited({ ...form, [key]: value });
  };
  const quantityBad = !!form && form.quantity.trim() !== "" && !isDecimal(form.quantity.trim());
  const confirmBad = !!form && form.confirm_above_notional.trim() !== "" && !isDecimal(form.confirm_above_notional.trim());

  return (
    <Paper variant="outlined" sx={{ p: 1.5 }} data-testid="preferences">
      <Typography variant="h6" component="h2" sx={{ mb: 1.5 }}>
        Preferences
      </Typography>
      {prefs.isError && <Alert severity="warning">Cannot load your preferences.</Alert>}
      {form && (
        <Stack
          component="form"
          spacing={2}
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(preferencesBody(form, prefs.data ?? {}), { onSuccess: () => setEdited(null) });
          }}
        >
          <Stack direction={{ xs: "column", sm: "row" }} spacing={2}>
            <TextField select size="small" label="Theme" value={form.theme} onChange={(e) => set("theme", e.target.value as FormState["theme"])} error={!!err("theme")} helperText={err("theme")} sx={{ minWidth: 140 }}>
              <MenuItem value="dark">Dark</MenuItem>
              <MenuItem value="light">Light</MenuItem>
            </TextField>
            <TextField select size="small" label="Default market" value={form.default_market} onChange={(e) => set("default_market", e.target.value as FormState["default_market"])} error={!!err("default_market")} helperText={err("default_market")} sx={{ minWidth: 160 }}>
              <MenuItem value="SPOT">Spot</MenuItem>
              <MenuItem value="USDM">USD-M futures</MenuItem>
            </TextField>
            <TextField select size="small" label="Chart interval" value={form.chart_interval} onChange={(e) => set("chart_interval", e.target.value)} error={!!err("chart_interval")} helperText={err("chart_interval")} sx={{ minWidth: 140 }}>
              {INTERVALS.map((i) => (
                <MenuItem key={i} value={i}>
                  {i}
                </MenuItem>
              ))}
            </TextField>
          </Stack>
          <Typography variant="subtitle2">Order ticket defaults</Typography>
          <Stack direction={{ xs: "column", sm: "row" }} spacing={2} sx={{ flexWrap: "wrap", rowGap: 2 }}>
            <TextField select size="small" label="Order type" value={form.type} onChange={(e) => set("type", e.target.value)} sx={{ minWidth: 180 }}>
              {TICKET_TYPES.map((t) => (
                <MenuItem key={t || "none"} value={t}>
                  {t || "(none)"}
                </MenuItem>
              ))}
            </TextField>
            <TextField select size="small" label="Time in force" value={form.time_in_force} onChange={(e) => set("time_in_force", e.target.value)} sx={{ minWidth: 140 }}>
              {TIFS.map((t) => (
                <MenuItem key={t || "none"} value={t}>
                  {t || "(none)"}
                </MenuItem>
              ))}
            </TextField>
            <TextField size="small" label="Quantity" value={form.quantity} onChange={(e) => set("quantity", e.target.value)} error={quantityBad} helperText={quantityBad ? "A decimal, e.g. 0.01" : " "} slotProps={{ htmlInput: { inputMode: "decimal" } }} />
            <TextField
              size="small"
              label="Confirm orders above (USDT notional)"
              value={form.confirm_above_notional}
              onChange={(e) => set("confirm_above_notional", e.target.value)}
              error={confirmBad}
              helperText={confirmBad ? "A decimal, e.g. 1000" : "Empty: the ticket's default"}
              slotProps={{ htmlInput: { inputMode: "decimal", "data-testid": "pref-confirm-above" } }}
            />
          </Stack>
          <Stack direction="row" spacing={2}>
            <FormControlLabel control={<Checkbox checked={form.post_only} onChange={(e) => set("post_only", e.target.checked)} />} label="Post-only" />
            <FormControlLabel control={<Checkbox checked={form.reduce_only} onChange={(e) => set("reduce_only", e.target.checked)} />} label="Reduce-only (futures)" />
          </Stack>
          {err("order_ticket_defaults") && <FormHelperText error>{err("order_ticket_defaults")}</FormHelperText>}
          {save.isError && !(save.error instanceof ApiError && Object.keys(fieldErrors).length > 0) && (
            <Alert severity="error">{save.error instanceof Error ? save.error.message : "Could not save."}</Alert>
          )}
          {save.isSuccess && !edited && <Alert severity="success">Preferences saved.</Alert>}
          <Stack direction="row" spacing={1}>
            <Button type="submit" variant="contained" disabled={!edited || save.isPending || quantityBad || confirmBad} data-testid="preferences-save">
              Save preferences
            </Button>
            <Button disabled={!edited} onClick={() => { setEdited(null); save.reset(); }}>
              Reset
            </Button>
          </Stack>
        </Stack>
      )}
    </Paper>
  );
}
