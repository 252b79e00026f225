"""Spot balances (free/locked per account and asset) and the counter-ledgers that make value conserved.

Everything that enters or leaves user balances goes through here, so the invariant the property test checks
holds by construction: Σ(free + locked) + fees + external == what accounts were funded with. `external` is the
synthetic market's side of trades against the replayed liquidity.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)


class InsufficientBalance(Exception):
    pass


@dataclass(slots=True)
class Balance:
    free: Decimal = ZERO
    locked: Decimal = ZERO


class Ledger:
    def __init__(self) -> None:
        self.accounts: dict[str, dict[str, Balance]] = {}
        self.fees: defaultdict[str, Decimal] = defaultdict(lambda: ZERO)
        self.external: defaultdict[str, Decimal] = defaultdict(lambda: ZERO)
        self.funded: defaultdict[str, Decimal] = defaultdict(lambda: ZERO)
        # Assets touched since the last drain, per account, for outboundAccountPosition.
        self._dirty: dict[str, set[str]] = {}

    # -- reads ---------------------------------------------------------------------------------------
    def balance(self, account_id: str, asset: str) -> Balance:
        return self.accounts.setdefault(account_id, {}).setdefault(asset, Balance())

    def free(self, account_id: str, asset: str) -> Decimal:
        return self.balance(account_id, asset).free

    def assets(self, account_id: str) -> dict[str, Balance]:
        return self.accounts.setdefault(account_id, {})

    def drain_dirty(self) -> dict[str, set[str]]:
        dirty, self._dirty = self._dirty, {}
        return dirty

    def _touch(self, account_id: str, asset: str) -> None:
        self._dirty.setdefault(account_id, set()).add(asset)

    # -- funding (control API) -----------------------------------------------------------------------
    def set_free(self, account_id: str, asset: str, amount: Decimal) -> Decimal:
        """Set the free amount outright; returns the delta (for balanceUpdate)."""
        bal = self.balance(account_id, asset)
        delta = amount - bal.free
        bal.free = amount
        self.funded[asset] += delta
        self._touch(account_id, asset)
        return delta

    # -- moves ---------------------------------------------------------------------------------------
    def lock(self, account_id: str, asset: str, amount: Decimal) -> None:
        bal = self.balance(account_id, asset)
        if amount > bal.free:
            raise InsufficientBalance(asset)
        bal.free -= amount
        bal.locked += amount
        self._touch(account_id, asset)

    def unlock(self, account_id: str, asset: str, amount: Decimal) -> None:
        if amount <= 0:
            return
        bal = self.balance(account_id, asset)
        bal.locked -= amount
        bal.free += amount
        self._touch(account_id, asset)

    def spend(self, account_id: str, asset: str, amount: Decimal, *, from_locked: bool) -> None:
        """Take `amount` out of the account (to a counterparty, credited separately)."""
        bal = self.balance(account_id, asset)
        if from_locked:
            bal.locked -= amount
        else:
            if amount > bal.free:
                raise InsufficientBalance(asset)
            bal.free -= amount
        self._touch(account_id, asset)

    def receive(self, account_id: str, asset: str, amount: Decimal, fee: Decimal) -> None:
        bal = self.balance(account_id, asset)
        bal.free += amount - fee
        self.fees[asset] += fee
        self._touch(account_id, asset)

    def market_gives(self, asset: str, amount: Decimal) -> None:
        self.external[asset] -= amount

    def market_takes(self, asset: str, amount: Decimal) -> None:
        self.external[asset] += amount

    # -- bookkeeping ---------------------------------------------------------------------------------
    def totals(self) -> dict[str, Decimal]:
        """Σ free + locked per asset across accounts, plus fees and the market's net position."""
        out: defaultdict[str, Decimal] = defaultdict(lambda: ZERO)
        for balances in self.accounts.values():
            for asset, bal in balances.items():
                out[asset] += bal.free + bal.locked
        for asset, amount in self.fees.items():
            out[asset] += amount
        for asset, amount in self.external.items():
            out[asset] += amount
        return dict(out)

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]

    def dump_state(self) -> dict[str, Any]:
        return {
            "accounts": {
                acc: {a: [str(b.free), str(b.locked)] for a, b in bals.items()}
                for acc, bals in self.accounts.items()
            },
            "fees": {a: str(v) for a, v in self.fees.items()},
            "external": {a: str(v) for a, v in self.external.items()},
            "funded": {a: str(v) for a, v in self.funded.items()},
        }

    def load_state(self, data: dict[str, Any]) -> None:
        self.reset()
        for acc, bals in data.get("accounts", {}).items():
            self.accounts[acc] = {a: Balance(Decimal(f), Decimal(lk)) for a, (f, lk) in bals.items()}
        for name in ("fees", "external", "funded"):
            target: defaultdict[str, Decimal] = getattr(self, name)
            for asset, value in data.get(name, {}).items():
                target[asset] = Decimal(value)
