"""The automatic risk triggers: when each condition holds, and what a firing does. Pure: no ORM, no I/O.

Each evaluator turns its inputs into Findings (one per scope it judges). `decide` then says, from a
finding, the current state of its scope and whether an alert is already open, what to do: a trigger
fires (tightens the state, audits) only when the state is not yet as strict as its action — so it does
not re-fire while its condition persists and the state already is that strict, and it does fire again
if someone loosened the state while the condition still holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Literal

from apps.risk.domain.state import GLOBAL, Scope, strictness

if TYPE_CHECKING:
    from collections.abc import Iterable

Action = Literal["NONE", "REDUCE_ONLY", "HALTED"]
ACTIONS: Final = ("NONE", "REDUCE_ONLY", "HALTED")
HUNDRED: Final = Decimal(100)

DAILY_LOSS: Final = "daily_loss"
DRAWDOWN: Final = "drawdown"
USER_STREAM_DOWN: Final = "user_stream_down"
MARKET_DATA_STALE: Final = "market_data_stale"
RECONCILE_DRIFT: Final = "reconcile_drift"
TRIGGERS: Final = (DAILY_LOSS, DRAWDOWN, USER_STREAM_DOWN, MARKET_DATA_STALE, RECONCILE_DRIFT)


@dataclass(frozen=True, slots=True)
class Finding:
    trigger: str
    scope: Scope
    firing: bool
    action: Action
    message: str = ""
    values: dict[str, str] = field(default_factory=dict)

    @property
    def severity(self) -> str:
        return {"HALTED": "critical", "REDUCE_ONLY": "warning"}.get(self.action, "info")

    @property
    def key(self) -> tuple[str, str]:
        return self.trigger, self.scope.label


def _s(value: Decimal | float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return f"{value}"


def daily_loss(
    *, start_equity: Decimal | None, equity_now: Decimal | None, limit: Decimal | None, action: Action
) -> Finding:
    """Loss since 00:00 UTC (realized + unrealized: the change of total equity) against the limit."""
    if start_equity is None or equity_now is None or not limit or limit <= 0:
        return Finding(DAILY_LOSS, GLOBAL, firing=False, action=action)
    loss = start_equity - equity_now
    values = {
        "start_equity": _s(start_equity),
        "equity": _s(equity_now),
        "loss": _s(loss),
        "limit": _s(limit),
    }
    message = (
        f"Daily loss {loss} USDT reached the limit of {limit} USDT (equity {start_equity} → {equity_now})."
    )
    return Finding(DAILY_LOSS, GLOBAL, loss >= limit, action, message, values)


def drawdown(
    *, peak: Decimal | None, equity_now: Decimal | None, max_pct: Decimal | None, action: Action
) -> Finding:
    """Fall from the equity peak, in percent of the peak, against the maximum drawdown."""
    if peak is None or equity_now is None or peak <= 0 or not max_pct or max_pct <= 0:
        return Finding(DRAWDOWN, GLOBAL, firing=False, action=action)
    pct = ((peak - equity_now) / peak * HUNDRED).quantize(Decimal("0.01"))
    values = {"peak": _s(peak), "equity": _s(equity_now), "drawdown_pct": _s(pct), "max_pct": _s(max_pct)}
    message = (
        f"Drawdown {_s(pct)}% from the equity peak {_s(peak)} USDT reached the maximum of {_s(max_pct)}%."
    )
    return Finding(DRAWDOWN, GLOBAL, pct >= max_pct, action, message, values)


@dataclass(frozen=True, slots=True)
class StreamInput:
    name: str  # "spot" / "futures"
    market: str  # "SPOT" / "USDM"
    down_for_s: float | None  # None while connected
    last_error: str = ""


def user_streams(*, streams: Iterable[StreamInput], threshold_s: float, action: Action) -> list[Finding]:
    """One finding per market: its user stream down beyond the threshold (we no longer see our fills)."""
    out: list[Finding] = []
    for s in streams:
        down = s.down_for_s
        firing = down is not None and threshold_s > 0 and down >= threshold_s
        values = {
            "stream": s.name,
            "down_for_s": _s(None if down is None else int(down)),
            "threshold_s": _s(threshold_s),
        }
        error = f" ({s.last_error})" if s.last_error else ""
        message = f"The {s.name} user stream has been down for {int(down or 0)} s{error}."
        out.append(Finding(USER_STREAM_DOWN, Scope(s.market), firing, action, message, values))
    return out


@dataclass(frozen=True, slots=True)
class MarketDataInput:
    market: str
    symbol: str
    age_s: float | None  # None: the source has no data for it (not judged)


def stale_market_data(
    *, symbols: Iterable[MarketDataInput], threshold_s: float, action: Action
) -> list[Finding]:
    """One finding per symbol with an open position: its market data older than the threshold."""
    out: list[Finding] = []
    for m in symbols:
        firing = m.age_s is not None and threshold_s > 0 and m.age_s >= threshold_s
        values = {"age_s": _s(None if m.age_s is None else int(m.age_s)), "threshold_s": _s(threshold_s)}
        message = (
            f"Market data of {m.market}:{m.symbol} is {int(m.age_s or 0)} s old while a position is open."
        )
        out.append(Finding(MARKET_DATA_STALE, Scope(m.market, m.symbol), firing, action, message, values))
    return out


def reconcile_drift(*, fixes: int, tolerance: int, window_s: int, action: Action) -> Finding:
    """Orders reconciliation had to fix (adopted, finished, corrected) in the window vs the tolerance."""
    values = {"fixes": _s(fixes), "tolerance": _s(tolerance), "window_s": _s(window_s)}
    message = f"Reconciliation fixed {fixes} orders in the last {window_s} s (tolerance {tolerance})."
    return Finding(RECONCILE_DRIFT, GLOBAL, tolerance >= 0 and fixes > tolerance, action, message, values)


@dataclass(frozen=True, slots=True)
class Decision:
    tighten: bool = False  # set the scope's state to the action (and audit)
    open_alert: bool = False
    refire: bool = False  # the alert was open, but the state had been loosened meanwhile
    resolve_alert: bool = False

    @property
    def anything(self) -> bool:
        return self.tighten or self.open_alert or self.resolve_alert


def decide(*, finding: Finding, current_state: str, alert_open: bool) -> Decision:
    if not finding.firing:
        return Decision(resolve_alert=alert_open)
    tighten = finding.action != "NONE" and strictness(current_state) < strictness(finding.action)
    return Decision(tighten=tighten, open_alert=not alert_open, refire=alert_open and tighten)
