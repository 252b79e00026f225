import { useState } from "react";
import { Button, MenuItem, Stack, TextField, Typography } from "@mui/material";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ApiError } from "../../../api/client";
import {
  futuresSettingsKey,
  setLeverage,
  setMarginType,
  setPositionMode,
  type FuturesSettings,
  type MarginType,
  type PositionMode,
} from "../../../api/futures";
import { TradeGuard, VIEWER_CANNOT_CHANGE } from "../../../auth/permissions";

function errorText(error: unknown): string | null {
  if (!error) return null;
  if (error instanceof ApiError) {
    const fields = Object.values(error.fieldErrors).flat();
    const explanation = typeof error.body?.explanation === "string" ? error.body.explanation : "";
    return [error.message, ...fields, explanation].filter(Boolean).join(" ");
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * A USD-M symbol's margin type, leverage and the account's position mode. Each change is sent at once
 * and what the exchange then reports is shown (the API reads every setting back).
 */
export function FuturesSettingsBar({ symbol, settings, loading }: { symbol: string; settings: FuturesSettings | undefined; loading: boolean }) {
  const queryClient = useQueryClient();
  const key = futuresSettingsKey(symbol);
  const [leverageText, setLeverageText] = useState<string | null>(null);
  const onSaved = (saved: FuturesSettings) => {
    queryClient.setQueryData(key, saved);
    setLeverageText(null);
  };
  const leverage = useMutation({ mutationFn: (value: number) => setLeverage(symbol, value), onSuccess: onSaved });
  const margin = useMutation({ mutationFn: (value: MarginType) => setMarginType(symbol, value), onSuccess: onSaved });
  const mode = useMutation({
    mutationFn: setPositionMode,
    onSuccess: ({ position_mode }) => {
      queryClient.setQueryData<FuturesSettings>(key, (old) => (old ? { ...old, position_mode } : old));
      void queryClient.invalidateQueries({ queryKey: ["futures-settings"] });
    },
  });
  const busy = loading || leverage.isPending || margin.isPending || mode.isPending;
  const shownLeverage = leverageText ?? (settings ? String(settings.leverage) : "");
  const leverageValue = Number(shownLeverage);
  const leverageValid =
    Number.isInteger(leverageValue) && leverageValue >= 1 && (!settings || leverageValue <= settings.max_leverage);
  const error = errorText(leverage.error) ?? errorText(margin.error) ?? errorText(mode.error);
  const selectSx = { minWidth: 0, "& .MuiSelect-select": { py: 0.5, fontSize: 12 }, "& .MuiInputLabel-root": { fontSize: 12 } };

  return (
    <Stack spacing={1} data-testid="futures-settings">
      <Stack direction="row" spacing={0.75}>
        <TradeGuard reason={VIEWER_CANNOT_CHANGE}>
          <TextField
            select
            size="small"
            label="Margin"
            value={settings?.margin_type ?? ""}
            disabled={busy || !settings}
            onChange={(e) => margin.mutate(e.target.value as MarginType)}
            sx={{ ...selectSx, flex: 1 }}
          >
            <MenuItem value="CROSSED">Cross</MenuItem>
            <MenuItem value="ISOLATED">Isolated</MenuItem>
          </TextField>
        </TradeGuard>
        <TradeGuard reason={VIEWER_CANNOT_CHANGE}>
          <TextField
            select
            size="small"
            label="Position mode"
            value={settings?.position_mode ?? ""}
            disabled={busy || !settings}
            onChange={(e) => mode.mutate(e.target.value as PositionMode)}
            sx={{ ...selectSx, flex: 1 }}
          >
            <MenuItem value="one-way">One-way</MenuItem>
            <MenuItem value="hedge">Hedge</MenuItem>
          </TextField>
        </TradeGuard>
      </Stack>
      <Stack direction="row" spacing={0.75} sx={{ alignItems: "center" }}>
        <TradeGuard reason={VIEWER_CANNOT_CHANGE}>
          <TextField
            size="small"
            label={settings ? `Leverage (1–${settings.max_leverage}x)` : "Leverage"}
            value={shownLeverage}
            disabled={busy || !settings}
            onChange={(e) => /^\d{0,3}$/.test(e.target.value) && setLeverageText(e.target.value)}
            error={leverageText !== null && !leverageValid}
            slotProps={{ htmlInput: { inputMode: "numeric", "data-testid": "ticket-leverage" } }}
            sx={{ flex: 1, "& .MuiInputBase-input": { py: 0.5, fontSize: 12 }, "& .MuiInputLabel-root": { fontSize: 12 } }}
          />
        </TradeGuard>
        <TradeGuard reason={VIEWER_CANNOT_CHANGE}>
          <Button
            size="small"
            variant="outlined"
            disabled={busy || leverageText === null || !leverageValid || leverageValue === settings?.leverage}
            onClick={() => leverage.mutate(leverageValue)}
            sx={{ minWidth: 0, px: 1, fontSize: 12 }}
          >
            Set
          </Button>
        </TradeGuard>
      </Stack>
      {error && (
        <Typography role="alert" sx={{ fontSize: 11, color: "error.main" }}>
          {error}
        </Typography>
      )}
    </Stack>
  );
}
