"""Property: whatever our filter validator accepts, the local exchange accepts; whatever it rejects, the
exchange rejects naming the same filter (spot: "Filter failure: X"; futures: the same code and message).

Random orders of several types, sides, prices around the market and sizes from dust to whale, on symbols
with different grids, parsed from the exchange's own exchangeInfo. Spot orders go to /api/v3/order/test
(validated, never placed); futures orders are post-only limits or market orders, and whatever rests is
canceled after each example.
"""

from __future__ import annotations

import os
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from apps.symbols.domain.exchange_info import parse_symbol
from apps.symbols.domain.filters import OrderIntent, round_price, round_qty, validate_order
from apps.symbols.tests.local_exchange import run_local_exchange

if TYPE_CHECKING:
    from collections.abc import Iterator

    from apps.symbols.domain.exchange_info import Market, SymbolInfo
    from apps.symbols.tests.local_exchange import LocalExchange, Reply

pytestmark = pytest.mark.integration

SPOT_SYMBOLS = ("BTCUSDT", "ETHBTC", "XRPUSDT")
FUTURES_SYMBOLS = ("BTCUSDT", "XRPUSDT")
SPOT_TYPES = ("LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT")
# Futures answer each filter with a code of its own; anything else comes from checks after the filters
# (margin, post-only, ...) and means the filters passed.
FUTURES_FILTER_CODES = frozenset(
    {-4001, -4002, -4003, -4004, -4005, -4013, -4014, -4016, -4023, -4024, -4164, -1111}
)
# Answers that mean the test harness is at fault (rate limits, signing, malformed parameters).
HARNESS_ERRORS = frozenset({-1000, -1003, -1015, -1021, -1022, -1100, -1101, -1102, -1104, -1106, -1116})
PROPERTY = settings(
    max_examples=int(os.environ.get("TRADER_PROPERTY_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def local() -> Iterator[LocalExchange]:
    yield from run_local_exchange()


@pytest.fixture(scope="module")
def infos(local: LocalExchange) -> dict[tuple[str, str], SymbolInfo]:
    out: dict[tuple[str, str], SymbolInfo] = {}
    for market, path in (("SPOT", "/api/v3/exchangeInfo"), ("USDM", "/fapi/v1/exchangeInfo")):
        reply = local.get(path)
        assert reply.status == 200, reply.body
        for raw in reply.body["symbols"]:
            out[(market, raw["symbol"])] = parse_symbol(market, raw)  # type: ignore[arg-type]
    return out


def _text(value: Decimal) -> str:
    return format(value, "f")


@st.composite
def _price_and_qty(
    draw: st.DrawFn, info: SymbolInfo, reference: Decimal, side: str
) -> tuple[Decimal, Decimal]:
    f = info.filters
    # Price: 0.05x to 7x the market, with 0 to 10 decimals, on the tick grid half of the time.
    factor = Decimal(draw(st.integers(5, 700))) / 100
    places = draw(st.integers(0, 10))
    price = (reference * factor).quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
    if price <= 0:
        price = f.tick_size or Decimal("0.01")
    if draw(st.booleans()):
        price = max(round_price(info, price, side=side), f.tick_size or price)  # type: ignore[arg-type]
    # Quantity: an order worth from 1/100 of the minimum notional to 10^9 times it.
    minimum = f.min_notional or Decimal(1)
    exponent = draw(st.integers(minimum.adjusted() - 2, minimum.adjusted() + 9))
    worth = Decimal(draw(st.integers(1, 99))) / 10 * Decimal(10) ** exponent
    qty = (worth / price).quantize(Decimal(1).scaleb(-draw(st.integers(0, 9))), rounding=ROUND_DOWN)
    if draw(st.booleans()):
        qty = round_qty(info, qty)
    if qty <= 0:
        qty = f.step_size or Decimal(1)
    return price, qty


def _spot_params(order: OrderIntent, symbol: str) -> dict[str, str]:
    params = {"symbol": symbol, "side": order.side, "type": order.type}
    if order.type in ("LIMIT", "STOP_LOSS_LIMIT"):
        params["timeInForce"] = "GTC"
    for key, value in (("quantity", order.quantity), ("price", order.price), ("stopPrice", order.stop_price)):
        if value is not None:
            params[key] = _text(value)
    return params


def _spot_order(order_type: str, side: str, price: Decimal, qty: Decimal) -> OrderIntent:
    priced = order_type in ("LIMIT", "LIMIT_MAKER", "STOP_LOSS_LIMIT")
    stop = price if order_type in ("STOP_LOSS_LIMIT", "TAKE_PROFIT") else None
    return OrderIntent(
        side=side,
        type=order_type,
        quantity=qty,
        price=price if priced else None,  # type: ignore[arg-type]
        stop_price=stop,
    )


def _spot_refusal(reply: Reply) -> tuple[int, str] | None:
    """(code, message) when spot refuses the order as our validator should; None when its rules pass.

    -1013 covers the filters ("Filter failure: X") and non-positive numbers; -1111 too many decimals.
    -2010 and friends ("Order would trigger immediately.") come after the filters: the filters passed.
    """
    if reply.status == 200:
        return None
    code, message = reply.body["code"], reply.body["msg"]
    assert code in (-1013, -1111, -2010), f"the test sent a malformed order: {reply.body}"
    return (code, message) if code in (-1013, -1111) else None


@PROPERTY
@given(data=st.data())
def test_spot_orders_pass_our_filters_exactly_when_the_exchange_accepts_them(
    local: LocalExchange, infos: dict[tuple[Market, str], SymbolInfo], data: st.DataObject
) -> None:
    symbol = data.draw(st.sampled_from(SPOT_SYMBOLS), label="symbol")
    info = infos[("SPOT", symbol)]
    reference = local.spot_average_price(symbol)
    assert reference is not None
    side = data.draw(st.sampled_from(("BUY", "SELL")), label="side")
    order_type = data.draw(st.sampled_from([t for t in SPOT_TYPES if t in info.order_types]), label="type")
    price, qty = data.draw(_price_and_qty(info, reference, side), label="price, qty")
    order = _spot_order(order_type, side, price, qty)

    violations = validate_order(info, order, reference_price=reference)
    reply = local.signed("POST", "/api/v3/order/test", _spot_params(order, symbol))
    # The average slides with the clock; an example during which it moved proves nothing either way.
    assume(local.spot_average_price(symbol) == reference)
    refusal = _spot_refusal(reply)
    event(f"spot {refusal[1] if refusal else 'accepted'}")

    ours = (violations[0].code, violations[0].binance_message) if violations else None
    assert ours == refusal, (
        f"{order} at reference {reference}: we said {violations}, the exchange {reply.body}"
    )
    if refusal is not None and refusal[1].startswith("Filter failure: "):
        assert violations[0].filter == refusal[1].removeprefix("Filter failure: ")


@PROPERTY
@given(data=st.data())
def test_futures_orders_pass_our_filters_exactly_when_the_exchange_accepts_them(
    local: LocalExchange, infos: dict[tuple[Market, str], SymbolInfo], data: st.DataObject
) -> None:
    symbol = data.draw(st.sampled_from(FUTURES_SYMBOLS), label="symbol")
    info = infos[("USDM", symbol)]
    mark = local.futures_mark_price(symbol)
    side = data.draw(st.sampled_from(("BUY", "SELL")), label="side")
    order_type = data.draw(st.sampled_from(("LIMIT", "MARKET")), label="type")
    price, qty = data.draw(_price_and_qty(info, mark, side), label="price, qty")
    order = OrderIntent(
        side=side,
        type=order_type,
        quantity=qty,  # type: ignore[arg-type]
        price=price if order_type == "LIMIT" else None,
    )
    params = {"symbol": symbol, "side": side, "type": order_type, "quantity": _text(qty)}
    if order_type == "LIMIT":
        # Post-only: an order that would trade is refused after the filters, so nothing ever fills.
        params.update(price=_text(price), timeInForce="GTX")

    violations = validate_order(info, order, reference_price=mark)
    reply = local.signed("POST", "/fapi/v1/order", params)
    local.signed("DELETE", "/fapi/v1/allOpenOrders", {"symbol": symbol})

    code = reply.body.get("code") if reply.status != 200 else None
    assert code not in HARNESS_ERRORS, f"the test sent a bad request: {reply.body}"
    rejected_by_filter = code in FUTURES_FILTER_CODES
    event(f"futures {reply.body['msg'][:40] if rejected_by_filter else 'filters passed'}")
    assert bool(violations) == rejected_by_filter, (
        f"{order} at mark {mark}: we said {violations}, the exchange said {reply.body}"
    )
    if violations:
        assert (violations[0].code, violations[0].binance_message) == (code, reply.body["msg"])
