"""Typed builders for orders and the symbols they trade."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from apps.orders.models import Order
from apps.symbols.models import Symbol
from apps.symbols.services import symbol_sync_apply
from apps.symbols.tests.payloads import SPOT_2025, raw_symbol


def spot_symbol(name: str = "BTCUSDT") -> Symbol:
    found = Symbol.objects.filter(market="SPOT", symbol=name).first()
    if found is not None:
        return found
    known = [row.raw for row in Symbol.objects.filter(market="SPOT")]
    symbol_sync_apply(market="SPOT", raw_symbols=[*known, raw_symbol(SPOT_2025, name)])
    return Symbol.objects.get(market="SPOT", symbol=name)


_counter = iter(range(1, 1_000_000))


def make_order(**overrides: Any) -> Order:
    symbol = overrides.pop("symbol", None) or spot_symbol()
    values: dict[str, Any] = {
        "client_order_id": f"test-{next(_counter)}",
        "symbol": symbol,
        "market": symbol.market,
        "side": "BUY",
        "order_type": "LIMIT",
        "time_in_force": "GTC",
        "requested_quantity": Decimal("0.001"),
        "requested_price": Decimal(100000),
    }
    values.update(overrides)
    return Order.objects.create(**values)
