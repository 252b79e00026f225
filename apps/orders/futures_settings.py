"""USD-M futures settings: leverage and margin type per symbol, position mode per account.

The exchange is the only store: every read asks it (GET /fapi/v1/symbolConfig, leverageBracket,
positionSide/dual), and every change is read before and after so the audit trail records what the
exchange reported on both sides, not what we asked for. Network calls run outside any transaction; the
audit row is written once the exchange has answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from apps.exchange.domain.errors import RejectedError
from apps.exchange.gateway import get_gateway
from apps.monitoring.services import audit_record
from apps.symbols.models import Symbol
from apps.symbols.selectors import symbol_get

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.auth.models import AbstractBaseUser

    from apps.exchange.domain.types import FuturesSymbolConfig

MarginType = Literal["ISOLATED", "CROSSED"]
PositionMode = Literal["one-way", "hedge"]
MARGIN_TYPES: tuple[MarginType, ...] = ("ISOLATED", "CROSSED")
POSITION_MODES: tuple[PositionMode, ...] = ("one-way", "hedge")


# Leverage ceilings other apps impose (the risk limits): symbol -> (highest leverage allowed, why) or None.
# Registered from their AppConfig.ready(); checked before the exchange is asked. No network I/O in them.
leverage_ceilings: list[Callable[[str], tuple[int, str] | None]] = []


class SettingRefused(Exception):
    """Our own validation refused the change: `errors` maps request fields to messages (HTTP 400)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


class SettingRejected(Exception):
    """The exchange refused the change; keeps Binance's code and the gateway's plain explanation."""

    def __init__(self, error: RejectedError) -> None:
        super().__init__(error.message)
        self.code = error.code
        self.message = error.message
        self.explanation = error.explanation


@dataclass(frozen=True, slots=True)
class FuturesSettings:
    symbol: str
    leverage: int
    max_leverage: int
    margin_type: str
    position_mode: PositionMode


def _usdm_symbol(symbol: str) -> str:
    try:
        return symbol_get(market="USDM", symbol=symbol).symbol
    except Symbol.DoesNotExist:
        raise SettingRefused({"symbol": [f"{symbol!r} is not a USD-M futures symbol."]}) from None


def _mode(*, hedge: bool) -> PositionMode:
    return "hedge" if hedge else "one-way"


def _config(symbol: str) -> FuturesSymbolConfig:
    return get_gateway().futures_symbol_config(symbol)


def futures_settings_get(*, symbol: str) -> FuturesSettings:
    """The symbol's leverage and margin type and the account's position mode, as the exchange reports them."""
    name = _usdm_symbol(symbol)
    config = _config(name)
    hedge = get_gateway().position_mode_is_hedge()
    return FuturesSettings(name, config.leverage, config.max_leverage, config.margin_type, _mode(hedge=hedge))


def futures_leverage_set(*, actor: AbstractBaseUser, symbol: str, leverage: int) -> FuturesSettings:
    """Check 1..max bracket leverage, change it at the exchange, audit before/after."""
    name = _usdm_symbol(symbol)
    before = _config(name)
    if not 1 <= leverage <= before.max_leverage:
        raise SettingRefused({"leverage": [f"Must be between 1 and {before.max_leverage} for {name}."]})
    for ceiling in leverage_ceilings:
        found = ceiling(name)
        if found is not None and leverage > found[0]:
            raise SettingRefused({"leverage": [f"At most {found[0]} for {name}: {found[1]}"]})
    try:
        get_gateway().set_leverage(name, leverage)
    except RejectedError as error:
        raise SettingRejected(error) from error
    return _audited(actor, "futures.leverage", name, before)


def futures_margin_type_set(*, actor: AbstractBaseUser, symbol: str, margin_type: str) -> FuturesSettings:
    """Switch ISOLATED/CROSSED at the exchange (refused there with open orders or a position), audited."""
    name = _usdm_symbol(symbol)
    if margin_type not in MARGIN_TYPES:
        raise SettingRefused({"margin_type": [f"Must be one of {', '.join(MARGIN_TYPES)}."]})
    before = _config(name)
    try:
        get_gateway().set_margin_type(name, margin_type)
    except RejectedError as error:
        raise SettingRejected(error) from error
    return _audited(actor, "futures.margin_type", name, before)


def futures_position_mode_set(*, actor: AbstractBaseUser, mode: str) -> PositionMode:
    """Switch the account between one-way and hedge mode (account-wide), audited."""
    if mode not in POSITION_MODES:
        raise SettingRefused({"position_mode": [f"Must be one of {', '.join(POSITION_MODES)}."]})
    gateway = get_gateway()
    before = _mode(hedge=gateway.position_mode_is_hedge())
    try:
        gateway.set_position_mode(hedge=mode == "hedge")
    except RejectedError as error:
        raise SettingRejected(error) from error
    after = _mode(hedge=gateway.position_mode_is_hedge())
    audit_record(
        actor=actor,
        action="futures.position_mode",
        target_type="futures_account",
        target_id="USDM",
        before={"position_mode": before},
        after={"position_mode": after},
    )
    return after


def _audited(
    actor: AbstractBaseUser, action: str, symbol: str, before: FuturesSymbolConfig
) -> FuturesSettings:
    """Read the settings back from the exchange and record the change with both sides."""
    settings = futures_settings_get(symbol=symbol)
    audit_record(
        actor=actor,
        action=action,
        target_type="futures_symbol",
        target_id=symbol,
        before={"leverage": before.leverage, "margin_type": before.margin_type},
        after={"leverage": settings.leverage, "margin_type": settings.margin_type},
    )
    return settings
