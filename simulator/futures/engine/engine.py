"""FuturesEngine: the composed engine plus snapshots, persistence and control-API views."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.futures.domain import fmt
from simulator.futures.engine import events
from simulator.futures.engine.state import AccountState, Ledger
from simulator.futures.engine.ticking import TickingMixin
from simulator.futures.engine.views import algo_view, order_view

if TYPE_CHECKING:
    from collections.abc import Callable

    from simulator.futures.domain.order import AlgoOrder, Order
    from simulator.futures.domain.symbol import FuturesSymbol
    from simulator.futures.engine.ports import ClockPort, EventSink, MarketPort, SymbolLookup

ZERO = Decimal(0)


class FuturesEngine(TickingMixin):
    def __init__(
        self,
        *,
        market: MarketPort,
        clock: ClockPort,
        symbols: SymbolLookup,
        sink: EventSink,
        all_symbols: Callable[[], list[FuturesSymbol]] | None = None,
        mark_alpha: Decimal = Decimal("0.3"),
    ) -> None:
        super().__init__(
            market=market,
            clock=clock,
            symbols=symbols,
            sink=sink,
            all_symbols=all_symbols,
            mark_alpha=mark_alpha,
        )
        self.init_ticking()

    # -- accounts ------------------------------------------------------------------------------------
    def fund(self, account_id: str, balances: dict[str, Decimal]) -> None:
        acc = self.account(account_id)
        now = self.now()
        for asset, amount in balances.items():
            delta = amount - acc.wallet.get(asset, ZERO)
            acc.wallet[asset] = amount
            if delta:
                self.add_income(account_id, "", "TRANSFER", delta, asset, now)
                cross = self.account_risk(account_id, asset).cross_wallet
                self.emit(
                    account_id,
                    events.account_update(
                        event_ms=now,
                        reason="DEPOSIT" if delta > 0 else "WITHDRAW",
                        balances=[(asset, amount, cross, delta)],
                        positions=[],
                    ),
                )
        self.flush()

    def order_dict(self, order: Order) -> dict[str, Any]:
        row = order_view(order, self.spec(order.symbol))
        row.update({"account_id": order.account_id, "market": "futures"})
        return row

    def algo_dict(self, algo: AlgoOrder) -> dict[str, Any]:
        """A conditional (algo) order as the control API lists it: the Binance algo fields plus `status`."""
        row = algo_view(algo, self.spec(algo.symbol))
        row.update({"account_id": algo.account_id, "market": "futures", "status": row["algoStatus"]})
        return row

    def snapshot(self, account_id: str) -> dict[str, Any]:
        acc = self.account(account_id)
        balances: dict[str, dict[str, str]] = {}
        for asset in sorted(set(acc.wallet) | {"USDT"}):
            r = self.account_risk(account_id, asset)
            balances[asset] = {
                "walletBalance": fmt.wallet(r.wallet),
                "availableBalance": fmt.wallet(r.available),
                "crossWalletBalance": fmt.wallet(r.cross_wallet),
                "unrealizedProfit": fmt.wallet(r.total_upnl),
                "marginBalance": fmt.wallet(r.margin_balance),
                "initialMargin": fmt.wallet(r.position_im + r.open_order_im),
                "maintMargin": fmt.wallet(r.maint),
            }
        positions = []
        for pos in acc.positions.values():
            if pos.amount == 0:
                continue
            mark = self.mark(pos.symbol)
            positions.append(
                {
                    "symbol": pos.symbol,
                    "positionSide": pos.position_side,
                    "positionAmt": fmt.plain(pos.amount),
                    "entryPrice": fmt.plain(pos.entry_price),
                    "markPrice": fmt.fixed(mark, 8),
                    "unRealizedProfit": fmt.wallet(pos.amount * (mark - pos.entry_price)),
                    "leverage": str(acc.lev(pos.symbol)),
                    "marginType": "isolated" if acc.isolated(pos.symbol) else "cross",
                    "isolatedWallet": fmt.wallet(pos.isolated_wallet),
                }
            )
        return {
            "futures_balances": balances,
            "positions": positions,
            # Untriggered conditional orders are open orders too; they live in the algo ledger.
            "open_orders": [self.order_dict(o) for o in self.open_orders(account_id)]
            + [
                self.algo_dict(a)
                for a in sorted(self.ledger.algos.values(), key=lambda a: a.algo_id)
                if a.account_id == account_id and a.is_open
            ],
        }

    def find_orders(self, client_order_id: str) -> list[dict[str, Any]]:
        found = [
            self.order_dict(o) for o in self.ledger.orders.values() if o.client_order_id == client_order_id
        ]
        return found + [
            self.algo_dict(a) for a in self.ledger.algos.values() if a.client_algo_id == client_order_id
        ]

    # -- persistence -----------------------------------------------------------------------------------
    def reset(self) -> None:
        self.accounts.clear()
        self.ledger = Ledger()
        self.books.clear()
        self._outbox.clear()
        self.next_funding.clear()
        self._force_held.clear()

    def dump(self) -> dict[str, Any]:
        return {
            "accounts": [a.dump() for a in self.accounts.values()],
            "ledger": self.ledger.dump(),
            "marks": {k: str(v) for k, v in self.marks.items()},
            "next_funding": dict(self.next_funding),
        }

    def load(self, data: dict[str, Any]) -> None:
        self.reset()
        for row in data.get("accounts", []):
            acc = AccountState.load(row)
            self.accounts[acc.account_id] = acc
        self.ledger = Ledger.load(data.get("ledger", {}))
        self.marks = {k: Decimal(v) for k, v in data.get("marks", {}).items()}
        self.next_funding = {k: int(v) for k, v in data.get("next_funding", {}).items()}
        for order in sorted(self.ledger.orders.values(), key=lambda o: o.seq):
            if order.is_open:
                self.books.setdefault(order.symbol, []).append(order)
