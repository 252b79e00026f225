"""Writes of the positions app, in one place: import services from here.

The work lives in one module per concern (below); this module is the stable import path for the user-stream
handlers, tasks, API views and commands.

| service | module | called by |
|---|---|---|
| `balances_apply_snapshot(market=, rows=, source=, as_of=)` | balances | whoever holds a full balance list |
| `balance_apply_delta(event=)` | balances | spot `balanceUpdate` |
| `balances_apply_account_position(event=)` | balances | spot `outboundAccountPosition` |
| `balances_reconcile(market=)` | balances | beat (60 s), after a stream reconnect |
| `futures_account_update_apply(event=)` | futures | USD-M `ACCOUNT_UPDATE` |
| `futures_account_config_apply(event=)` | futures | USD-M `ACCOUNT_CONFIG_UPDATE` (leverage) |
| `positions_apply_snapshot(rows=, source=, as_of=, symbol=)` | futures | positionRisk rows |
| `positions_reconcile()` | futures | beat (60 s), after a stream reconnect |
| `history_import(market=, since=, symbols=)` | history | beat (15 min), `manage.py import_history`, API |
| `equity_snapshot_take(now=)` | equity | beat (1 min) |

Every apply is idempotent and ignores data older than what is stored (by the exchange's time); each returns
the `Change`s it made (before/after), and broadcasts changed rows after commit.
"""

from __future__ import annotations

from apps.positions.balances import (
    ReconcileReport,
    balance_apply_delta,
    balances_apply_account_position,
    balances_apply_snapshot,
    balances_reconcile,
)
from apps.positions.common import Change
from apps.positions.equity import equity_snapshot_take
from apps.positions.futures import (
    PositionsReport,
    futures_account_config_apply,
    futures_account_update_apply,
    positions_apply_snapshot,
    positions_reconcile,
)
from apps.positions.history import ImportReport, history_import

__all__ = [
    "Change",
    "ImportReport",
    "PositionsReport",
    "ReconcileReport",
    "balance_apply_delta",
    "balances_apply_account_position",
    "balances_apply_snapshot",
    "balances_reconcile",
    "equity_snapshot_take",
    "futures_account_config_apply",
    "futures_account_update_apply",
    "history_import",
    "positions_apply_snapshot",
    "positions_reconcile",
]
