import { Checkbox, FormControlLabel, MenuItem, Stack, TextField, Typography } from "@mui/material";
import type { Market } from "../../../api/market";
import { usesTimeInForce, usesWorkingType, type TicketForm, type TicketKind } from "./form";
import type { FieldErrors } from "./request";

interface OptionsRowProps {
  market: Market;
  kind: TicketKind;
  form: TicketForm;
  hedgeMode: boolean;
  disabled: boolean;
  update: (patch: Partial<TicketForm>) => void;
  errorsOf: (field: keyof FieldErrors) => string[] | undefined;
}

/** Time in force, post-only, reduce-only, trigger price type and position side: what the kind takes. */
export function OptionsRow({ market, kind, form, hedgeMode, disabled, update, errorsOf }: OptionsRowProps) {
  const selectSx = { flex: 1, "& .MuiSelect-select": { py: 0.5, fontSize: 12 }, "& .MuiInputLabel-root": { fontSize: 12 } };
  const checkSx = { mr: 1, "& .MuiFormControlLabel-label": { fontSize: 12 } };
  const messages = [errorsOf("timeInForce"), errorsOf("postOnly"), errorsOf("reduceOnly"), errorsOf("positionSide"), errorsOf("workingType")]
    .flat()
    .filter((m): m is string => Boolean(m));
  const tif = usesTimeInForce(kind) && !(kind === "LIMIT" && form.postOnly);
  return (
    <Stack spacing={0.5}>
      <Stack direction="row" spacing={0.75} useFlexGap sx={{ alignItems: "center", flexWrap: "wrap" }}>
        {tif && (
          <TextField select size="small" label="Time in force" value={form.timeInForce} disabled={disabled} onChange={(e) => update({ timeInForce: e.target.value as TicketForm["timeInForce"] })} sx={selectSx}>
            <MenuItem value="GTC">GTC</MenuItem>
            <MenuItem value="IOC">IOC</MenuItem>
            <MenuItem value="FOK">FOK</MenuItem>
          </TextField>
        )}
        {usesWorkingType(market, kind) && (
          <TextField select size="small" label="Trigger price" value={form.workingType} disabled={disabled} onChange={(e) => update({ workingType: e.target.value as TicketForm["workingType"] })} sx={selectSx}>
            <MenuItem value="CONTRACT_PRICE">Last</MenuItem>
            <MenuItem value="MARK_PRICE">Mark</MenuItem>
          </TextField>
        )}
        {hedgeMode && (
          <TextField select size="small" label="Position side" value={form.positionSide} disabled={disabled} onChange={(e) => update({ positionSide: e.target.value as TicketForm["positionSide"] })} sx={selectSx}>
            <MenuItem value="BOTH">Open ({form.side === "BUY" ? "long" : "short"})</MenuItem>
            <MenuItem value="LONG">Long</MenuItem>
            <MenuItem value="SHORT">Short</MenuItem>
          </TextField>
        )}
      </Stack>
      <Stack direction="row" sx={{ flexWrap: "wrap" }}>
        {kind === "LIMIT" && (
          <FormControlLabel
            sx={checkSx}
            control={<Checkbox size="small" sx={{ p: 0.25 }} checked={form.postOnly} disabled={disabled} onChange={(e) => update({ postOnly: e.target.checked })} />}
            label="Post-only"
          />
        )}
        {market === "USDM" && !hedgeMode && (
          <FormControlLabel
            sx={checkSx}
            control={<Checkbox size="small" sx={{ p: 0.25 }} checked={form.reduceOnly} disabled={disabled} onChange={(e) => update({ reduceOnly: e.target.checked })} />}
            label="Reduce-only"
          />
        )}
      </Stack>
      {messages.map((m) => (
        <Typography key={m} sx={{ fontSize: 11, color: "error.main" }}>
          {m}
        </Typography>
      ))}
    </Stack>
  );
}
