"""Parsing exchangeInfo symbol objects, checked against payloads recorded from Binance."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.symbols.domain.exchange_info import ExchangeInfoError, parse_symbol
from apps.symbols.tests.payloads import futures_btcusdt, raw_symbol, spot_btcusdt, symbols

RECORDED = [
    ("spot_exchangeInfo.json", "SPOT"),
    ("spot_exchangeInfo_2025-08.json", "SPOT"),
    ("spot_exchangeInfo_BTCUSDT_2021-10.json", "SPOT"),
    ("spot_exchangeInfo_BTCUSDT_2022-12.json", "SPOT"),
    ("spot_exchangeInfo_testnet_2026.json", "SPOT"),
    ("futures_exchangeInfo_2022-02.json", "USDM"),
    ("futures_exchangeInfo_2025-08.json", "USDM"),
]


@pytest.mark.parametrize(("name", "market"), RECORDED)
def test_every_recorded_symbol_parses_with_its_filters_in_exchange_order(name: str, market: str) -> None:
    for raw in symbols(name):
        info = parse_symbol(market, raw)  # type: ignore[arg-type]
        assert info.symbol == raw["symbol"]
        assert info.filters.order == tuple(f["filterType"] for f in raw["filters"])
        assert info.filters.tick_size is not None and info.filters.step_size is not None


def test_a_spot_symbol_keeps_binance_numbers_exactly_as_decimals() -> None:
    info = parse_symbol("SPOT", spot_btcusdt())
    f = info.filters
    assert (info.base_asset, info.quote_asset, info.status) == ("BTC", "USDT", "TRADING")
    assert (f.min_price, f.max_price, f.tick_size) == (Decimal("0.01"), Decimal(1000000), Decimal("0.01"))
    assert str(f.tick_size) == "0.01000000"
    assert (f.min_qty, f.max_qty, f.step_size) == (Decimal("0.00001"), Decimal(9000), Decimal("0.00001"))
    assert (f.market_min_qty, f.market_max_qty, f.market_step_size) == (0, Decimal("97.09521512"), 0)
    assert (f.min_notional, f.max_notional) == (Decimal(5), Decimal(9000000))
    assert (f.apply_min_to_market, f.apply_max_to_market) == (True, False)
    assert (f.bid_multiplier_down, f.bid_multiplier_up) == (Decimal("0.2"), Decimal(5))
    assert (f.iceberg_parts, f.max_num_orders, f.max_num_algo_orders) == (10, 200, 5)
    assert (f.min_trailing_above_delta, f.max_trailing_below_delta) == (10, 2000)
    assert info.price_precision is None and info.margin_asset == ""
    assert "STOP_LOSS_LIMIT" in info.order_types and info.allow_trailing_stop


def test_a_futures_symbol_reads_its_own_key_names() -> None:
    info = parse_symbol("USDM", futures_btcusdt())
    f = info.filters
    # Futures say `notional` where spot says `minNotional`, and `limit` where spot says `maxNumOrders`.
    assert f.min_notional == Decimal(100)
    assert (f.max_num_orders, f.max_num_algo_orders) == (200, 10)
    assert (f.min_price, f.tick_size) == (Decimal("556.80"), Decimal("0.10"))
    assert (f.multiplier_up, f.multiplier_down, f.multiplier_decimal) == (Decimal("1.05"), Decimal("0.95"), 4)
    assert (info.price_precision, info.quantity_precision) == (2, 3)
    assert (info.margin_asset, info.contract_type) == ("USDT", "PERPETUAL")
    assert "GTX" in info.time_in_force
    # A filter we have no typed field for is still known to be there, in its place.
    assert f.order[-1] == "POSITION_RISK_CONTROL"


def test_the_legacy_spot_filters_min_notional_and_percent_price_parse() -> None:
    info = parse_symbol("SPOT", raw_symbol("spot_exchangeInfo.json", "ETHBTC"))
    f = info.filters
    assert f.has("MIN_NOTIONAL") and not f.has("NOTIONAL")
    assert (f.min_notional, f.apply_min_to_market, f.max_notional) == (Decimal("0.0001"), True, None)
    assert (f.multiplier_up, f.multiplier_down, f.avg_price_mins) == (Decimal(5), Decimal("0.2"), 5)


def test_permission_sets_are_flattened_in_first_seen_order() -> None:
    raw = {
        **spot_btcusdt(),
        "permissions": [],
        "permissionSets": [["SPOT", "MARGIN"], ["TRD_GRP_004", "SPOT"]],
    }
    assert parse_symbol("SPOT", raw).permissions == ("SPOT", "MARGIN", "TRD_GRP_004")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda raw: raw.pop("symbol"), "without a symbol name"),
        (lambda raw: raw.pop("status"), "has no status"),
        (lambda raw: raw.pop("baseAsset"), "has no 'baseAsset'"),
        (lambda raw: raw["filters"][0].pop("tickSize"), "PRICE_FILTER has no 'tickSize'"),
        (lambda raw: raw["filters"][1].update(stepSize="a lot"), "stepSize='a lot' is not a number"),
        (lambda raw: raw["filters"].append({"limit": 3}), "filter without filterType"),
    ],
)
def test_a_malformed_symbol_object_is_refused_with_the_reason(edit, message: str) -> None:
    raw = spot_btcusdt()
    edit(raw)
    with pytest.raises(ExchangeInfoError, match=message):
        parse_symbol("SPOT", raw)


def test_an_unknown_market_is_refused() -> None:
    with pytest.raises(ExchangeInfoError, match="unknown market"):
        parse_symbol("COINM", spot_btcusdt())  # type: ignore[arg-type]
