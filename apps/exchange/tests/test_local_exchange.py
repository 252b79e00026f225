"""The gateway against the real local exchange over sockets: signatures, orders, and every error class
produced by a real answer (faults injected through the control API)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from binance.client import Client
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,  # noqa: F401 -- key type used by sim
)

from apps.exchange.domain.errors import (
    AuthError,
    CircuitOpenError,
    OperationalError,
    OrderNotFoundError,
    RateLimitedError,
    RejectedError,
    TemporaryError,
    UnknownOutcomeError,
)
from apps.exchange.domain.types import OrderRequest
from apps.exchange.runtime import runtime
from apps.exchange.tests.conftest import activate_key

pytestmark = pytest.mark.integration

SPOT_VECTOR_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
SPOT_VECTOR_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
FUTURES_VECTOR_SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"


def _cid() -> str:
    return f"t-{uuid.uuid4().hex[:20]}"


def _market_buy(symbol: str = "BTCUSDT", qty: str = "0.001") -> OrderRequest:
    return OrderRequest(
        symbol=symbol, side="BUY", type="MARKET", client_order_id=_cid(), quantity=Decimal(qty)
    )


# ---------------------------------------------------------------- signatures
def test_python_binance_reproduces_the_fact_sheet_signature_vectors() -> None:
    spot = Client(SPOT_VECTOR_KEY, SPOT_VECTOR_SECRET, ping=False)
    payload = (
        "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000"
        "&timestamp=1499827319559"
    )
    assert spot._hmac_signature(payload) == "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
    futures = Client("k", FUTURES_VECTOR_SECRET, ping=False)
    payload = (
        "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000"
        "&timestamp=1591702613943"
    )
    assert (
        futures._hmac_signature(payload) == "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9"
    )
    ws = spot._sign_ws_params(
        {
            "symbol": "BTCUSDT",
            "side": "SELL",
            "type": "LIMIT",
            "timeInForce": "GTC",
            "quantity": "0.01000000",
            "price": "52000.00",
            "recvWindow": 100,
            "timestamp": 1645423376532,
        },
        spot._generate_ws_api_signature,
    )
    assert ws["signature"] == "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24"


def test_the_fact_sheet_key_signs_requests_the_local_exchange_accepts(sim, runtime_for, db) -> None:
    sim.create_account(api_key=SPOT_VECTOR_KEY, api_secret=SPOT_VECTOR_SECRET, balances={"USDT": "10"})
    rt = runtime_for(sim.url)
    activate_key(rt, api_key=SPOT_VECTOR_KEY, secret=SPOT_VECTOR_SECRET)
    from apps.exchange.gateway import get_gateway

    info = get_gateway().account("spot")
    assert {b.asset: b.free for b in info.balances}["USDT"] == Decimal("10")


def test_an_ed25519_key_signs_spot_and_futures_orders(sim, runtime_for, db) -> None:
    created = sim.create_account(
        key_type="ED25519", balances={"USDT": "1000"}, futures_balances={"USDT": "1000"}
    )
    rt = runtime_for(sim.url)
    for market in ("spot", "futures"):
        activate_key(
            rt, api_key=created["api_key"], secret=created["private_key"], market=market, key_type="ED25519"
        )
    from apps.exchange.gateway import get_gateway

    gateway = get_gateway()
    assert gateway.place_order("spot", _market_buy()).status == "FILLED"
    assert gateway.place_order("futures", _market_buy(qty="0.003")).status == "FILLED"


# ---------------------------------------------------------------- the interface end to end
def test_spot_orders_round_trip_with_decimals(gateway) -> None:
    book = gateway.book_ticker("spot", "BTCUSDT")
    low = (book.bid_price * Decimal("0.9")).quantize(Decimal("0.01"))
    req = OrderRequest(
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        client_order_id=_cid(),
        quantity=Decimal("0.001"),
        price=low,
        time_in_force="GTC",
    )
    placed = gateway.place_order("spot", req)
    assert placed.status == "NEW" and isinstance(placed.price, Decimal)
    assert (
        gateway.query_order("spot", "BTCUSDT", client_order_id=req.client_order_id).order_id
        == placed.order_id
    )
    assert [o.client_order_id for o in gateway.open_orders("spot", "BTCUSDT")] == [req.client_order_id]
    assert gateway.cancel_order("spot", "BTCUSDT", order_id=placed.order_id).status == "CANCELED"
    filled = gateway.place_order("spot", _market_buy())
    assert filled.status == "FILLED" and filled.fills and filled.avg_price is not None
    assert gateway.account_trades("spot", "BTCUSDT")[-1].order_id == filled.order_id


def test_futures_settings_orders_and_positions(gateway) -> None:
    assert gateway.set_leverage("BTCUSDT", 5) == 5
    gateway.set_margin_type("BTCUSDT", "ISOLATED")
    assert gateway.position_mode_is_hedge() is False
    gateway.place_order("futures", _market_buy(qty="0.003"))
    [position] = gateway.positions("BTCUSDT")
    assert position.amount == Decimal("0.003") and position.leverage in (5, None)
    assert gateway.balances("futures")[0].asset == "USDT"
    assert gateway.commission_rates("futures", "BTCUSDT").taker > 0
    gateway.countdown_cancel_all("BTCUSDT", countdown_ms=0)
    key = gateway.futures_listen_key_start()
    gateway.futures_listen_key_keepalive(key)
    gateway.futures_listen_key_close(key)


def test_exchange_info_sets_the_limits_the_limiter_enforces(gateway, sim) -> None:
    sim.rate_limits(spot_orders_per_10s=7)
    info = gateway.exchange_info("spot")
    assert any(p.name == "orders:10s" and p.limit == 7 for p in info.pools)
    assert {p.name: p.limit for p in runtime().limiter.pools("spot") or []}["orders:10s"] == 7


# ---------------------------------------------------------------- each error class from a real answer
def test_a_filter_failure_is_rejected_with_binances_code_and_an_explanation(gateway) -> None:
    with pytest.raises(RejectedError) as info:
        gateway.place_order("spot", _market_buy(qty="0.0000001"))
    assert info.value.code in (-1013, -1111)
    assert info.value.explanation


def test_insufficient_balance_is_rejected_with_minus_2010(gateway) -> None:
    price = gateway.book_ticker("spot", "BTCUSDT").ask_price
    request = OrderRequest(
        symbol="BTCUSDT",
        side="BUY",
        type="LIMIT",
        client_order_id=_cid(),
        quantity=Decimal("5"),
        price=price,
        time_in_force="GTC",
    )
    with pytest.raises(RejectedError) as info:
        gateway.place_order("spot", request)
    assert info.value.code == -2010 and "balance" in info.value.explanation.lower()


def test_an_unknown_order_is_order_not_found(gateway) -> None:
    with pytest.raises(OrderNotFoundError):
        gateway.query_order("spot", "BTCUSDT", client_order_id="never-placed")


def test_a_wrong_secret_is_an_auth_error(sim, runtime_for, account, db) -> None:
    rt = runtime_for(sim.url)
    activate_key(rt, api_key=account["api_key"], secret="x" * 64)
    from apps.exchange.gateway import get_gateway

    with pytest.raises(AuthError) as info:
        get_gateway().account("spot")
    assert info.value.code == -1022


def test_maintenance_is_operational(gateway, sim) -> None:
    sim.faults(maintenance=True)
    with pytest.raises(OperationalError):
        gateway.place_order("spot", _market_buy())


def test_system_level_throttling_is_operational(gateway, sim) -> None:
    sim.faults(
        error_rate=1.0,
        error_status=503,
        error_code=-1008,
        error_msg="Request throttled by system-level protection. Reduce-only/close-position orders are "
        "exempt. Please try again.",
    )
    with pytest.raises(OperationalError) as info:
        gateway.place_order("futures", _market_buy(qty="0.003"))
    assert info.value.code == -1008 and "throttl" in info.value.explanation


def test_a_429_storm_is_rate_limited_and_pauses_everyone(gateway, sim) -> None:
    sim.faults(storm_429=True)
    with pytest.raises(RateLimitedError) as info:
        gateway.place_order("spot", _market_buy())
    assert info.value.retry_after_s and info.value.retry_after_s > 0
    sim.control("DELETE", "faults")
    assert runtime().limiter.blocked_for_s("spot") > 0
    with pytest.raises(RateLimitedError, match="Retry-After"):  # not sent: the block covers every caller
        runtime().pipeline.call("spot.account", timeout_s=0.5)


def test_server_errors_on_reads_are_temporary_after_retries(gateway, sim) -> None:
    runtime().pipeline.backoff = type(runtime().pipeline.backoff)(base_s=0.01, max_s=0.02, max_attempts=3)
    sim.faults(error_rate=1.0, error_status=503, paths=["/api/v3/account"])
    with pytest.raises(TemporaryError):
        gateway.account("spot")


def test_an_order_the_exchange_executed_but_answered_with_5xx_is_unknown_then_reconciled(
    gateway, sim
) -> None:
    sim.faults(
        error_rate=1.0, error_status=503, error_after_execute=True, paths=["/api/v3/order"], methods=["POST"]
    )
    request = _market_buy()
    with pytest.raises(UnknownOutcomeError) as info:
        gateway.place_order("spot", request)
    assert "reconcile" in str(info.value).lower()
    sim.control("DELETE", "faults")
    [executed] = sim.find_orders(request.client_order_id)
    assert executed["status"] == "FILLED"
    found = gateway.query_order("spot", "BTCUSDT", client_order_id=request.client_order_id)
    assert found.status == "FILLED"
    assert len(sim.find_orders(request.client_order_id)) == 1  # never re-sent


def test_a_drifted_clock_gets_minus_1021_resyncs_and_the_order_goes_through(gateway) -> None:
    rt = runtime()
    rt.timesync.offset_ms = -120_000
    rt.timesync._synced_at = float("inf")  # pretend it is fresh so only the -1021 path can fix it
    placed = gateway.place_order("spot", _market_buy())
    assert placed.status == "FILLED"
    assert abs(rt.timesync.offset_ms) < 5_000


def test_repeated_server_errors_open_the_breaker_and_it_closes_after_a_good_probe(gateway, sim) -> None:
    rt = runtime()
    rt.breaker.cooldown_ms = 200
    sim.faults(error_rate=1.0, error_status=503, paths=["/api/v3/order"], methods=["POST"])
    for _ in range(rt.breaker.failure_threshold):
        with pytest.raises(TemporaryError):
            gateway.place_order("spot", _market_buy())
    assert rt.breaker.state("spot", "orders").state == "open"
    with pytest.raises(CircuitOpenError):
        gateway.place_order("spot", _market_buy())
    sim.control("DELETE", "faults")
    import time

    time.sleep(0.25)
    assert gateway.place_order("spot", _market_buy()).status == "FILLED"
    assert rt.breaker.state("spot", "orders").state == "closed"


# ---------------------------------------------------------------- readiness and async access
def test_readiness_passes_when_the_exchange_answers_and_fails_with_a_reason_when_not(
    sim, runtime_for
) -> None:
    from apps.exchange.readiness import check_exchange

    runtime_for(sim.url)
    check_exchange()
    runtime_for("http://127.0.0.1:9")
    with pytest.raises(RuntimeError, match="did not answer a ping"):
        check_exchange()


async def test_the_async_gateway_shares_the_pipeline(sim, runtime_for, account, transactional_db) -> None:
    from asgiref.sync import sync_to_async

    from apps.exchange.gateway import get_async_gateway

    rt = runtime_for(sim.url)

    def activate() -> None:
        from django.db import connection

        activate_key(rt, api_key=account["api_key"], secret=account["api_secret"], market="futures")
        connection.close()  # this ran in asgiref's worker thread; give its connection back

    await sync_to_async(activate)()
    gateway = get_async_gateway()
    try:
        assert await gateway.server_time("futures") > 0
        key = await gateway.futures_listen_key_start()
        await gateway.futures_listen_key_keepalive(key)
        book = await gateway.order_book("spot", "BTCUSDT", limit=5)
        assert book.bids and isinstance(book.bids[0].price, Decimal)
        manager = await gateway.socket_manager("futures")
        assert rt.urls.fstream == manager.FSTREAM_URL
    finally:
        await gateway.close()


async def test_the_spot_user_stream_subscribes_over_the_websocket_api_and_delivers_executions(
    sim, runtime_for, account, transactional_db
) -> None:
    import asyncio

    from asgiref.sync import sync_to_async

    from apps.exchange.gateway import get_async_gateway, get_gateway

    rt = runtime_for(sim.url)

    def activate() -> None:
        from django.db import connection

        activate_key(rt, api_key=account["api_key"], secret=account["api_secret"], market="spot")
        connection.close()

    await sync_to_async(activate)()
    gateway = get_async_gateway()
    try:
        manager = await gateway.socket_manager("spot")
        async with manager.user_socket() as stream:
            await asyncio.sleep(0.3)
            request = _market_buy()

            def place() -> None:
                from django.db import connection

                get_gateway().place_order("spot", request)
                connection.close()

            await sync_to_async(place)()
            for _ in range(10):
                message = await asyncio.wait_for(stream.recv(), timeout=5)
                event = message.get("event", message)
                if event.get("e") == "executionReport" and event.get("c") == request.client_order_id:
                    break
            else:
                pytest.fail("no executionReport for the order")
    finally:
        await gateway.close()


def test_verification_reads_the_keys_restrictions_from_the_exchange(sim, runtime_for, admin_user) -> None:
    from apps.exchange import services

    created = sim.create_account(balances={"USDT": "10"}, futures_balances={"USDT": "10"})
    rt = runtime_for(sim.url)
    credential = services.credential_add(
        actor=admin_user,
        environment="sim",
        market="spot",
        key_type="HMAC",
        api_key=created["api_key"],
        secret=created["api_secret"],
    )
    result = services.credential_verify(actor=admin_user, credential=credential, rt=rt)
    assert result.ok, result.problem
    assert result.permissions["key_restrictions"]["enableWithdrawals"] is False
    assert not any("could not be checked" in w for w in result.warnings)


def test_a_key_the_exchange_says_can_withdraw_is_refused(sim, runtime_for, admin_user) -> None:
    from apps.exchange import services

    created = sim.create_account(balances={"USDT": "10"}, enable_withdrawals=True)
    rt = runtime_for(sim.url)
    credential = services.credential_add(
        actor=admin_user,
        environment="sim",
        market="spot",
        key_type="HMAC",
        api_key=created["api_key"],
        secret=created["api_secret"],
    )
    result = services.credential_verify(actor=admin_user, credential=credential, rt=rt)
    assert not result.ok
    assert result.problem == "This key can withdraw funds. Create a key without withdrawal permission."
    credential.refresh_from_db()
    assert credential.status == "pending"
