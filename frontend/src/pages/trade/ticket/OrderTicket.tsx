import { useRef, useState } from "react";
import {
  Alert,
  Box,
  Button,
  ButtonGroup,
  MenuItem,
  Stack,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
  Typography,
} from "@mui/material";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ApiError, NetworkError } from "../../../api/client";
import type { Market } from "../../../api/market";
import { useExchangeEnvironment } from "../../../api/exchange";
import { usePreferences } from "../../../api/preferences";
import { newIdempotencyKey, placeOrder, placedOrders, type PlaceRequest, type PlacedOrder } from "../../../api/ticket";
import { TradeGuard, useCanTrade, VIEWER_CANNOT_TRADE } from "../../../auth/permissions";
import { decimalsOf, formatDecimal, roundToStep } from "../../../lib/decimal";
import { useAccountEvents } from "../../../realtime";
import { availableOf, useFuturesSettings, useTicketBalances } from "../queries";
import { AmountField } from "./AmountField";
import { ConfirmDialog } from "./ConfirmDialog";
import { confirmThreshold, confirmationReasons, notionalInUsdt } from "./confirm";
import {
  KIND_LABEL,
  OPTIONAL_FIELDS,
  amountForPercent,
  applyPickedPrice,
  estimateNotional,
  fieldsFor,
  formFromDefaults,
  kindsFor,
  minNotionalProblem,
  type DecimalField,
  type TicketForm,
  type TicketKind,
} from "./form";
import { buildRequest, mapServerErrors, nextSubmission, type FieldErrors, type Submission } from "./request";
import type { SymbolRules } from "./rules";
import { FuturesSettingsBar } from "./FuturesSettingsBar";
import { OptionsRow } from "./OptionsRow";
import { TicketResult } from "./TicketResult";

const PERCENTS = ["25", "50", "75", "100"] as const;

export interface PickedPrice {
  price: string;
  /** Grows with every pick, so picking the same price twice still fills it in. */
  seq: number;
}

export interface OrderTicketProps {
  market: Market;
  symbol: string;
  rules: SymbolRules | null;
  lastPrice: string | null;
  pickedPrice: PickedPrice | null;
}

function fieldLabel(field: DecimalField, kind: TicketKind): string {
  switch (field) {
    case "price":
      return kind === "OCO" ? "Limit price" : "Price";
    case "stopPrice":
      return "Stop";
    case "stopLimitPrice":
      return "Stop limit";
    case "quantity":
      return "Amount";
    case "quoteQuantity":
      return "Total";
    case "callbackRate":
      return "Callback rate";
    case "activationPrice":
      return "Activation price";
  }
}

interface Pending {
  request: PlaceRequest;
  reasons: string[];
  notional: string | null;
}

/** Buy/sell any order type the market offers, checked and rounded before it is sent, then followed. */
export function OrderTicket({ market, symbol, rules, lastPrice, pickedPrice }: OrderTicketProps) {
  const queryClient = useQueryClient();
  const canTrade = useCanTrade();
  const preferences = usePreferences();
  const environment = useExchangeEnvironment();
  const balances = useTicketBalances(market);
  const futures = useFuturesSettings(symbol, market === "USDM");
  useAccountEvents(["balance"], () => void queryClient.invalidateQueries({ queryKey: ["balances"] }));

  const ticketDefaults = preferences.data?.order_ticket_defaults;
  const [form, setForm] = useState<TicketForm>(() => formFromDefaults(ticketDefaults, market));
  const [defaultsApplied, setDefaultsApplied] = useState(ticketDefaults !== undefined);
  if (!defaultsApplied && ticketDefaults !== undefined) {
    setDefaultsApplied(true);
    setForm((f) => ({ ...formFromDefaults(ticketDefaults, market), price: f.price, quantity: f.quantity }));
  }
  const [seenPick, setSeenPick] = useState(pickedPrice?.seq ?? 0);
  if (pickedPrice && pickedPrice.seq !== seenPick) {
    setSeenPick(pickedPrice.seq);
    setForm((f) => applyPickedPrice(f, pickedPrice.price, rules));
  }

  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [percentNote, setPercentNote] = useState<string | null>(null);
  // Refs, not state: two clicks in one frame must see the first one's submission and in-flight flag.
  const submission = useRef<Submission | null>(null);
  const inFlight = useRef(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const [placed, setPlaced] = useState<PlacedOrder[] | null>(null);

  const hedgeMode = market === "USDM" && futures.data?.position_mode === "hedge";
  const base = rules?.base ?? symbol;
  const quote = rules?.quote ?? "";
  const kinds = kindsFor(market, rules);
  const kind = kinds.includes(form.kind) ? form.kind : "LIMIT";
  const view: TicketForm = { ...form, kind };
  const fields = fieldsFor(market, kind, form.marketBy);
  const notional = estimateNotional(view, market, rules, lastPrice);
  const minProblem = minNotionalProblem(view, notional, rules);
  const marginAsset = rules?.marginAsset ?? "USDT";
  const available = {
    base: availableOf(balances.data, "SPOT", base),
    quote: availableOf(balances.data, "SPOT", quote),
    margin: availableOf(balances.data, "USDM", marginAsset),
  };
  // Shown rounded down: never more than is really there.
  const down = (value: string, step: string | null) => formatDecimal(step ? roundToStep(value, step, "down") : value, { group: true });
  const availableLabel =
    market === "USDM"
      ? `${down(available.margin, "0.01")} ${marginAsset}`
      : form.side === "BUY"
        ? `${down(available.quote, rules?.quoteStep ?? null)} ${quote}`
        : `${down(available.base, rules?.step ?? null)} ${base}`;
  const actionLabel = `${form.side === "BUY" ? "Buy" : "Sell"} ${base}`;
  const blocked = rules && !rules.tradable ? (rules.blockedReason ?? `${symbol} is not trading`) : null;
  const disabled = !canTrade;
  // An estimate: shown to the tick's precision (at least cents), never used for anything sent.
  const valueDecimals = rules?.tick ? Math.max(2, decimalsOf(rules.tick)) : undefined;

  const update = (patch: Partial<TicketForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setPercentNote(null);
    // A changed input answers its own error: the old message would describe a value no longer there.
    const touched = Object.keys(patch) as (keyof FieldErrors)[];
    const drop = (errors: FieldErrors) => {
      if (!touched.some((k) => k in errors)) return errors;
      const next = { ...errors };
      for (const k of touched) delete next[k];
      return next;
    };
    setLocalErrors(drop);
    setServerErrors(drop);
  };

  const mutation = useMutation({
    mutationFn: ({ request, key }: { request: PlaceRequest; key: string }) => placeOrder(request, key),
    onSuccess: (result) => {
      setPlaced(placedOrders(result));
      // The next press is a new order: it gets a new key.
      submission.current = null;
      setServerErrors({});
      setGeneral([]);
      void queryClient.invalidateQueries({ queryKey: ["orders"] });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 400) {
        const mapped = mapServerErrors(error.body, view);
        setServerErrors(mapped.fields);
        setGeneral(mapped.general);
      } else if (error instanceof NetworkError || (error instanceof ApiError && error.status >= 500)) {
        setGeneral([
          `${error.message} The order may or may not have been placed: press ${actionLabel} again to retry safely (the same submission is never placed twice), or check Orders.`,
        ]);
      } else {
        setGeneral([error instanceof Error ? error.message : String(error)]);
      }
    },
  });

  const send = (request: PlaceRequest) => {
    if (inFlight.current) return;
    const next = nextSubmission(submission.current, request, newIdempotencyKey);
    submission.current = next;
    inFlight.current = true;
    setGeneral([]);
    mutation.mutate(
      { request, key: next.key },
      {
        onSettled: () => {
          inFlight.current = false;
        },
      },
    );
  };

  const onSubmit = () => {
    if (inFlight.current) return;
    const built = buildRequest({ market, symbol, form: view, rules, hedgeMode });
    if (!built.ok) {
      setLocalErrors(built.errors);
      return;
    }
    setLocalErrors({});
    const quoteUsdt = quote === "USDT" ? "1" : (balances.data?.find((b) => b.asset === quote)?.usdt_price ?? null);
    const reasons = confirmationReasons({
      environment: environment.data ?? null,
      notionalUsdt: notionalInUsdt(notional, quote, quoteUsdt),
      threshold: confirmThreshold(ticketDefaults),
    });
    if (reasons.length > 0) setPending({ request: built.request, reasons, notional });
    else send(built.request);
  };

  const onPercent = (pct: string) => {
    const result = amountForPercent({ market, form: view, pct, available, leverage: futures.data?.leverage ?? null, rules, lastPrice });
    if (result.field === null) {
      setPercentNote(result.reason);
      return;
    }
    update({ [result.field]: result.value });
  };

  const errorsOf = (field: keyof FieldErrors) => serverErrors[field] ?? localErrors[field];
  const unitOf = (field: DecimalField) => (field === "quantity" ? base : field === "callbackRate" ? "%" : quote);

  return (
    <Box data-testid="order-ticket" aria-label="Order ticket" component="section" sx={{ display: "flex", flexDirection: "column", gap: 1, p: 1, fontSize: 12 }}>
      {!canTrade && (
        <Alert severity="info" sx={{ py: 0, fontSize: 12 }} data-testid="ticket-viewer-note">
          {VIEWER_CANNOT_TRADE}: you can look, not place orders.
        </Alert>
      )}
      {market === "USDM" && <FuturesSettingsBar symbol={symbol} settings={futures.data} loading={futures.isPending} />}
      <ToggleButtonGroup
        exclusive
        fullWidth
        size="small"
        value={form.side}
        disabled={disabled}
        onChange={(_e, side: TicketForm["side"] | null) => side && update({ side })}
        aria-label="Side"
      >
        <ToggleButton value="BUY" color="success" sx={{ py: 0.25, fontWeight: 600 }}>
          Buy
        </ToggleButton>
        <ToggleButton value="SELL" color="error" sx={{ py: 0.25, fontWeight: 600 }}>
          Sell
        </ToggleButton>
      </ToggleButtonGroup>
      <TextField
        select
        size="small"
        label="Order type"
        value={kind}
        disabled={disabled}
        onChange={(e) => update({ kind: e.target.value as TicketKind })}
        slotProps={{ htmlInput: { "data-testid": "ticket-type" } }}
        sx={{ "& .MuiSelect-select": { py: 0.75, fontSize: 13 } }}
      >
        {kinds.map((k) => (
          <MenuItem key={k} value={k} sx={{ fontSize: 13 }}>
            {KIND_LABEL[k]}
          </MenuItem>
        ))}
      </TextField>
      {market === "SPOT" && kind === "MARKET" && rules?.quoteMarketAllowed !== false && (
        <ToggleButtonGroup
          exclusive
          size="small"
          value={form.marketBy}
          disabled={disabled}
          onChange={(_e, by: TicketForm["marketBy"] | null) => by && update({ marketBy: by })}
          aria-label="Size the market order by"
        >
          <ToggleButton value="base" sx={{ py: 0, fontSize: 11, textTransform: "none" }}>
            By amount ({base})
          </ToggleButton>
          <ToggleButton value="quote" sx={{ py: 0, fontSize: 11, textTransform: "none" }}>
            By total ({quote})
          </ToggleButton>
        </ToggleButtonGroup>
      )}
      <Typography sx={{ fontSize: 11, color: "text.secondary" }} data-testid="ticket-available">
        Available {balances.isPending ? "…" : availableLabel}
        {market === "USDM" && futures.data ? ` · ${futures.data.leverage}x` : ""}
      </Typography>
      {fields.map((field) => (
        <AmountField
          key={field}
          field={field}
          label={fieldLabel(field, kind)}
          unit={unitOf(field)}
          value={form[field]}
          kind={kind}
          rules={rules}
          disabled={disabled}
          optional={OPTIONAL_FIELDS.has(field)}
          errors={errorsOf(field)}
          onChange={(value) => update({ [field]: value })}
        />
      ))}
      <ButtonGroup size="small" fullWidth disabled={disabled} aria-label="Amount as a share of what is available">
        {PERCENTS.map((pct) => (
          <Button key={pct} onClick={() => onPercent(pct)} aria-label={`${pct}% of available`} sx={{ py: 0, fontSize: 11 }}>
            {pct}%
          </Button>
        ))}
      </ButtonGroup>
      {percentNote && <Typography sx={{ fontSize: 11, color: "warning.main" }}>{percentNote}</Typography>}
      {kind === "OCO" && (
        <Typography sx={{ fontSize: 11, color: "text.secondary" }}>
          {form.side === "SELL"
            ? "Sells at the limit price above the market, or at the stop-limit once the stop below it trades; one cancels the other."
            : "Buys at the limit price below the market, or at the stop-limit once the stop above it trades; one cancels the other."}
        </Typography>
      )}
      <OptionsRow market={market} kind={kind} form={form} hedgeMode={hedgeMode} disabled={disabled} update={update} errorsOf={errorsOf} />
      <Typography sx={{ fontSize: 11, color: minProblem ? "warning.main" : "text.secondary" }} data-testid="ticket-notional">
        {notional ? `Value ≈ ${formatDecimal(notional, { group: true, decimals: valueDecimals })} ${quote}` : "Value —"}
        {minProblem ? ` · ${minProblem}` : ""}
      </Typography>
      {(blocked || general.length > 0 || errorsOf("side") || errorsOf("type")) && (
        <Stack spacing={0.5} data-testid="ticket-errors" role="alert">
          {blocked && <Alert severity="warning" sx={{ py: 0, fontSize: 12 }}>{blocked}</Alert>}
          {[...general, ...(errorsOf("side") ?? []), ...(errorsOf("type") ?? [])].map((message) => (
            <Alert key={message} severity="error" sx={{ py: 0, fontSize: 12 }}>
              {message}
            </Alert>
          ))}
        </Stack>
      )}
      <TradeGuard>
        <Button
          variant="contained"
          color={form.side === "BUY" ? "success" : "error"}
          disabled={mutation.isPending || blocked !== null || rules === null}
          onClick={onSubmit}
          data-testid="ticket-submit"
          sx={{ fontWeight: 600, width: "100%" }}
        >
          {mutation.isPending ? "Placing…" : rules === null ? "Loading the symbol's rules…" : actionLabel}
        </Button>
      </TradeGuard>
      {placed && <TicketResult orders={placed} onDismiss={() => setPlaced(null)} />}
      <ConfirmDialog
        open={pending !== null}
        request={pending?.request ?? null}
        reasons={pending?.reasons ?? []}
        notional={pending?.notional ?? null}
        quote={quote}
        valueDecimals={valueDecimals}
        actionLabel={actionLabel}
        onCancel={() => setPending(null)}
        onConfirm={() => {
          if (pending) send(pending.request);
          setPending(null);
        }}
      />
    </Box>
  );
}
