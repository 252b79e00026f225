import { InputAdornment, TextField } from "@mui/material";
import { acceptTyping, checkField, type DecimalField, type TicketKind } from "./form";
import type { SymbolRules } from "./rules";

export interface AmountFieldProps {
  field: DecimalField;
  label: string;
  unit: string;
  value: string;
  kind: TicketKind;
  rules: SymbolRules | null;
  onChange: (value: string) => void;
  /** Messages from the server (or from the last submit attempt) for this field. */
  errors?: string[];
  disabled?: boolean;
  optional?: boolean;
}

/**
 * A decimal input that shows, as you type, the value that will be sent ("Rounds to 0.123"), and
 * takes that value when it loses focus. Whatever is typed, only the rounded value is ever sent.
 */
export function AmountField({ field, label, unit, value, kind, rules, onChange, errors, disabled, optional }: AmountFieldProps) {
  const check = checkField(field, value, kind, rules);
  const serverError = errors && errors.length > 0 ? errors.join(" ") : null;
  const helper = serverError ?? check.problem ?? check.hint ?? (optional ? "Optional" : " ");
  return (
    <TextField
      size="small"
      fullWidth
      label={label}
      value={value}
      disabled={disabled}
      error={serverError !== null || check.problem !== null}
      onChange={(e) => {
        const accepted = acceptTyping(e.target.value);
        if (accepted !== null) onChange(accepted);
      }}
      onBlur={() => {
        if (check.rounded !== null && check.rounded !== value) onChange(check.rounded);
      }}
      helperText={helper}
      slotProps={{
        htmlInput: { inputMode: "decimal", autoComplete: "off", "data-testid": `ticket-${field}` },
        input: { endAdornment: <InputAdornment position="end">{unit}</InputAdornment> },
        formHelperText: { sx: { mx: 0.5, mt: 0, fontSize: 11, lineHeight: 1.3, minHeight: 14 } } as object,
      }}
      sx={{ "& .MuiInputBase-input": { py: 0.75, fontSize: 13, fontVariantNumeric: "tabular-nums" }, "& .MuiInputLabel-root": { fontSize: 13 } }}
    />
  );
}
