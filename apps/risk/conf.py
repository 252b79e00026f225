"""The risk app's view of the active configuration (apps.config), in one typed object.

`risk_settings()` reads the active RiskLimits and TradingConfig through apps.config's selectors on every
call (hot reload: a config change applies at the next monitor run or heartbeat). Until apps.config is
installed and migrated it answers the defaults below, so a fresh checkout still runs: every trigger
action NONE (alerts only), the dead-man switch off, nothing kept on a spot close.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Final

logger = logging.getLogger(__name__)

ZERO: Final = Decimal(0)


@dataclass(frozen=True)
class RiskSettings:
    daily_loss_limit: Decimal = ZERO  # 0: no limit
    max_drawdown_pct: Decimal = ZERO  # 0: no limit
    daily_loss_action: str = "NONE"
    drawdown_action: str = "NONE"
    user_stream_down_action: str = "NONE"
    market_data_stale_action: str = "NONE"
    reconcile_drift_action: str = "NONE"
    user_stream_down_seconds: int = 60
    market_data_stale_seconds: int = 30
    reconcile_drift_tolerance: int = 10
    risk_monitor_interval_seconds: int = 5
    deadman_enabled: bool = False
    deadman_countdown_ms: int = 120_000
    deadman_heartbeat_seconds: int = 30
    spot_close_keep: dict[str, Decimal] = field(default_factory=dict)
    spot_close_quote_asset: str = "USDT"

    def keep(self, asset: str) -> Decimal:
        return self.spot_close_keep.get(asset, ZERO)

    def with_values(self, **values: Any) -> RiskSettings:
        return replace(self, **values)


DEFAULTS: Final = RiskSettings()
_LIMIT_FIELDS: Final = ("daily_loss_limit", "max_drawdown_pct")
_CONFIG_FIELDS: Final = tuple(
    f for f in RiskSettings.__dataclass_fields__ if f not in _LIMIT_FIELDS and f != "spot_close_keep"
)


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def risk_settings() -> RiskSettings:
    """The active limits and trading config; the defaults where apps.config has nothing (yet)."""
    try:
        from apps.config.selectors import active_risk_limits, active_trading_config
    except ImportError:
        return DEFAULTS
    values: dict[str, Any] = {}
    try:
        limits = active_risk_limits()
        config = active_trading_config()
    except Exception:  # no table yet (app not migrated) or no active row: run on the defaults, say so
        logger.warning("risk: no active risk config readable; using the defaults", exc_info=True)
        return DEFAULTS
    for name in _LIMIT_FIELDS:
        raw = getattr(limits, name, None)
        if raw is not None:
            values[name] = _decimal(raw)
    for name in _CONFIG_FIELDS:
        raw = getattr(config, name, None)
        if raw is not None:
            values[name] = raw
    keep = getattr(config, "spot_close_keep", None) or {}
    values["spot_close_keep"] = {str(asset).upper(): _decimal(amount) for asset, amount in keep.items()}
    return DEFAULTS.with_values(**values)
