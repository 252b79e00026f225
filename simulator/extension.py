"""The protocol through which `spot/` and `futures/` plug into core's control API and persistence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from simulator.accounts import Account


@runtime_checkable
class Extension(Protocol):
    def on_account_created(self, account: Account, body: dict[str, Any]) -> None:
        """Called for every new account with the POST /_sim/accounts body (balances etc.)."""

    def account_snapshot(self, account_id: str) -> dict[str, Any]:
        """Merged into GET /_sim/accounts/{id}; list values (open_orders) are concatenated."""

    def find_orders(self, client_order_id: str) -> list[dict[str, Any]]:
        """Orders with this clientOrderId, for GET /_sim/orders."""

    def reset(self) -> None:
        """Forget all orders, positions and balances (POST /_sim/reset)."""

    def dump_state(self) -> dict[str, Any]:
        """JSON-serialisable state written into the --state file."""

    def load_state(self, data: dict[str, Any]) -> None:
        """Restore what dump_state returned."""

    def on_tick(self, now_ms: int, sim_ms: int) -> None:
        """Called after every market tick (expiry, funding, liquidation checks)."""
