"""Small shared pieces of the positions services: market spellings, exchange times, recorded differences."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

from apps.orders.api.fields import plain_decimal

# The gateway speaks "spot"/"futures"; rows are stored as the symbols app spells markets.
_MARKETS: Final = {"spot": "SPOT", "SPOT": "SPOT", "futures": "USDM", "usdm": "USDM", "USDM": "USDM"}
GATEWAY_MARKET: Final = {"SPOT": "spot", "USDM": "futures"}


def market_of(value: str) -> str:
    """ "spot"/"SPOT" → "SPOT", "futures"/"usdm"/"USDM" → "USDM"; anything else is a programming error."""
    try:
        return _MARKETS[value]
    except KeyError:
        raise ValueError(f"unknown market {value!r}; use SPOT or USDM") from None


def from_ms(ms: int | str | None) -> datetime | None:
    """An exchange timestamp (ms since the epoch, number or numeric string) as an aware UTC datetime."""
    if ms in (None, "", 0, "0"):
        return None
    return datetime.fromtimestamp(int(ms) / 1000, tz=UTC)


def to_ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def dec(value: Any) -> Decimal:
    """A wire number ("0.1", 1, Decimal) as Decimal; str() first so a JSON float keeps its short form."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not a number: {value!r}")
    return Decimal(str(value))


def is_older(incoming: datetime | None, stored: datetime | None, *, strict: bool = False) -> bool:
    """True when data of time `incoming` must not overwrite data of time `stored`.

    Absolute values (a snapshot, outboundAccountPosition, ACCOUNT_UPDATE) may replace data of the same
    instant (applying them twice changes nothing); a delta must be strictly newer, since a delta of the
    same instant has already been counted (`strict`).
    """
    if incoming is None or stored is None:
        return False
    return incoming <= stored if strict else incoming < stored


def _plain(value: Any) -> Any:
    return plain_decimal(value) if isinstance(value, Decimal) else value


@dataclass(frozen=True, slots=True)
class Change:
    """One row a service changed: what it was and what it became (decimals as strings, JSON-ready).

    `fix` is True when account state changed (an amount, entry price, leverage...), False when only figures
    that follow the market moved (mark price, unrealized P&L, margins): reconciliation audits fixes only,
    or every minute would add an audit entry per open position.
    """

    kind: str  # "balance" or "position"
    key: str  # "SPOT:BTC", "BTCUSDT:BOTH"
    before: dict[str, Any] | None
    after: dict[str, Any]
    fields: tuple[str, ...] = field(default=())
    fix: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "key": self.key, "before": self.before, "after": self.after}


def fixes_report(changes: list[Change]) -> dict[str, Any]:
    """What a reconciliation reports: the fixes in full, the market-driven refreshes as a count."""
    return {"fixed": [c.as_dict() for c in changes if c.fix], "refreshed": sum(not c.fix for c in changes)}


def diff(before: dict[str, Any] | None, after: dict[str, Any]) -> tuple[str, ...]:
    """Names of the fields whose values differ (every field when there was no row before)."""
    if before is None:
        return tuple(after)
    return tuple(name for name, value in after.items() if before.get(name) != value)


def jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: _plain(v) for k, v in values.items()}
