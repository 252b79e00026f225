import { useState } from "react";
import {
  Alert,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  FormControl,
  FormControlLabel,
  FormLabel,
  MenuItem,
  Radio,
  RadioGroup,
  Stack,
  TextField,
} from "@mui/material";
import type { KillSwitchEngage, KillSwitchScope } from "../../api/risk";
import type { Environment } from "../../api/status";

/** What a LIVE engagement asks the user to type before the confirm button unlocks. */
export const LIVE_CONFIRM_WORD = "HALT";

type ScopeChoice = "all" | "spot" | "usdm" | "symbol";

export interface KillSwitchDialogProps {
  open: boolean;
  environment: Environment | null;
  pending: boolean;
  error: string | null;
  onCancel: () => void;
  onConfirm: (body: KillSwitchEngage) => void;
}

const SYMBOL_RE = /^[A-Z0-9]{2,32}$/;

/** Scope, close-positions choice, reason, and (LIVE or unknown environment) a typed confirmation. */
export function KillSwitchDialog({ open, environment, pending, error, onCancel, onConfirm }: KillSwitchDialogProps) {
  const [choice, setChoice] = useState<ScopeChoice>("all");
  const [market, setMarket] = useState<"SPOT" | "USDM">("USDM");
  const [symbol, setSymbol] = useState("");
  const [closePositions, setClosePositions] = useState(false);
  const [reason, setReason] = useState("");
  const [typed, setTyped] = useState("");

  // Unknown counts as live: asking once too often is cheaper than halting LIVE by a stray click.
  const live = environment === null || environment === "live";
  const cleanSymbol = symbol.trim().toUpperCase();
  const symbolOk = choice !== "symbol" || SYMBOL_RE.test(cleanSymbol);
  const scope: KillSwitchScope = choice === "symbol" ? `${market}:${cleanSymbol}` : choice;
  const ready = reason.trim() !== "" && symbolOk && (!live || typed.trim() === LIVE_CONFIRM_WORD) && !pending;

  return (
    <Dialog open={open} onClose={onCancel} aria-labelledby="kill-switch-title" data-testid="kill-switch-dialog" maxWidth="sm" fullWidth>
      <DialogTitle id="kill-switch-title" sx={{ color: "error.main", fontWeight: 700 }}>
        Engage the kill switch
      </DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <DialogContentText>
            The scope is HALTED at once and every open order in it is cancelled at the exchange
            {closePositions ? ", then its positions are closed at market" : ""}. Trading stays halted until an admin releases it.
          </DialogContentText>
          <FormControl>
            <FormLabel id="kill-scope-label">Scope</FormLabel>
            <RadioGroup
              row
              aria-labelledby="kill-scope-label"
              value={choice}
              onChange={(e) => setChoice(e.target.value as ScopeChoice)}
            >
              <FormControlLabel value="all" control={<Radio />} label="Everything" />
              <FormControlLabel value="spot" control={<Radio />} label="Spot" />
              <FormControlLabel value="usdm" control={<Radio />} label="Futures (USD-M)" />
              <FormControlLabel value="symbol" control={<Radio />} label="One symbol" />
            </RadioGroup>
          </FormControl>
          {choice === "symbol" && (
            <Stack direction="row" spacing={1}>
              <TextField
                select
                size="small"
                label="Market"
                value={market}
                onChange={(e) => setMarket(e.target.value as "SPOT" | "USDM")}
                sx={{ minWidth: 120 }}
              >
                <MenuItem value="SPOT">Spot</MenuItem>
                <MenuItem value="USDM">USD-M</MenuItem>
              </TextField>
              <TextField
                size="small"
                label="Symbol"
                value={symbol}
                onChange={(e) => setSymbol(e.target.value)}
                error={symbol !== "" && !symbolOk}
                helperText={symbol !== "" && !symbolOk ? "Letters and digits, e.g. BTCUSDT" : " "}
                slotProps={{ htmlInput: { "data-testid": "kill-switch-symbol" } }}
              />
            </Stack>
          )}
          <FormControlLabel
            control={
              <Checkbox
                checked={closePositions}
                onChange={(e) => setClosePositions(e.target.checked)}
                slotProps={{ input: { "aria-label": "Also close positions" } }}
              />
            }
            label="Also close positions (market orders: futures reduce-only, spot sold down)"
          />
          <TextField
            size="small"
            label="Reason"
            required
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            slotProps={{ htmlInput: { maxLength: 500, "data-testid": "kill-switch-reason" } }}
          />
          {live && (
            <TextField
              size="small"
              label={`Type ${LIVE_CONFIRM_WORD} to confirm`}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              helperText={environment === "live" ? "This is the LIVE exchange." : "The environment is not known yet; treated as LIVE."}
              slotProps={{ htmlInput: { "data-testid": "kill-switch-typed" } }}
            />
          )}
          {error && (
            <Alert severity="error" data-testid="kill-switch-error">
              {error}
            </Alert>
          )}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Cancel</Button>
        <Button
          variant="contained"
          color="error"
          disabled={!ready}
          onClick={() => onConfirm({ scope, close_positions: closePositions, reason: reason.trim() })}
          data-testid="kill-switch-confirm"
        >
          Engage kill switch ({scope})
        </Button>
      </DialogActions>
    </Dialog>
  );
}
