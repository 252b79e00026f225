"""Signatures (fact-sheet vectors, Ed25519, RSA), timestamps, key errors and permissions."""

from __future__ import annotations

import base64
import time
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

import pytest
from aiohttp import web
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from simulator.accounts import Account
from simulator.auth import hmac_signature, signature_valid, strip_signature
from simulator.errors import json_response
from simulator.params import Params
from simulator.tests.conftest import Sim, small_config, start_sim

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

SPOT_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
FUT_SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"


def test_fact_sheet_hmac_vectors() -> None:
    spot = (
        "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000"
        "&timestamp=1499827319559"
    )
    expected = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
    assert hmac_signature(SPOT_SECRET, spot) == expected
    fut = (
        "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000"
        "&timestamp=1591702613943"
    )
    expected = "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9"
    assert hmac_signature(FUT_SECRET, fut) == expected
    ws = (
        "apiKey=vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A&price=52000.00"
        "&quantity=0.01000000&recvWindow=100&side=SELL&symbol=BTCUSDT&timeInForce=GTC&timestamp=1645423376532"
        "&type=LIMIT"
    )
    expected = "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24"
    assert hmac_signature(SPOT_SECRET, ws) == expected


def test_hmac_is_case_insensitive_and_query_plus_body() -> None:
    account = Account("x", "k" * 64, "HMAC", secret=SPOT_SECRET)
    payload = (
        "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC" + "quantity=1&price=0.1&recvWindow=5000"
        "&timestamp=1499827319559"
    )
    sig = hmac_signature(SPOT_SECRET, payload)
    assert signature_valid(account, payload, sig.upper())
    assert not signature_valid(account, payload + "&x=1", sig)
    assert strip_signature("a=1&signature=abc&b=2") == ("a=1&b=2", "abc")


def test_ws_api_vector_through_verify_ws_params() -> None:
    from simulator.exchange import Exchange

    exchange = Exchange(small_config())
    exchange.accounts.create(
        api_key="vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A", secret=SPOT_SECRET
    )
    exchange.clock.offset_ms = 1645423376532 + 50 - exchange.clock.now_ms()
    params = {
        "symbol": "BTCUSDT",
        "side": "SELL",
        "type": "LIMIT",
        "timeInForce": "GTC",
        "quantity": "0.01000000",
        "price": "52000.00",
        "recvWindow": 100,
        "timestamp": 1645423376532,
        "apiKey": "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
        "signature": "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24",
    }
    result = exchange.auth.verify_ws_params(params, "TRADE", "spot")
    assert result.account is not None and result.params.str("symbol") == "BTCUSDT"


async def _signed_handler(request: web.Request) -> web.Response:
    exchange = request.app["exchange"]
    market = "futures" if request.path.startswith("/fapi") else "spot"
    security = request.query.get("sec", "USER_DATA") if "sec" in request.query else "USER_DATA"
    result = await exchange.auth.verify(request, security, market)
    result.params.mark_read("sec")
    return json_response({"account": result.account.account_id, "params": result.params.as_dict()})


def _routes(app: web.Application) -> None:
    for path in ("/api/v3/_signed", "/fapi/v1/_signed"):
        app.router.add_get(path, _signed_handler)
        app.router.add_post(path, _signed_handler)
        app.router.add_delete(path, _signed_handler)


@pytest.fixture
async def asim() -> AsyncIterator[Sim]:
    s = await start_sim(small_config(), _routes)
    try:
        yield s
    finally:
        await s.client.close()


async def _create(sim: Sim, **body: object) -> dict[str, str]:
    resp = await sim.client.post("/_sim/accounts", json=body)
    assert resp.status == 201, await resp.text()
    return await resp.json()


def _now() -> int:
    return int(time.time() * 1000)


async def test_hmac_signed_get_and_form_body(asim: Sim) -> None:
    acct = await _create(asim, balances={"USDT": "100"})
    query = f"symbol=BTCUSDT&recvWindow=5000&timestamp={_now()}"
    sig = hmac_signature(acct["api_secret"], query)
    headers = {"X-MBX-APIKEY": acct["api_key"]}
    resp = await asim.client.get(f"/api/v3/_signed?{query}&signature={sig}", headers=headers)
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["account"] == acct["account_id"]
    # Query + body, no separator, signature at the end of the body (python-binance's POST/DELETE form).
    q, body = "symbol=BTCUSDT", f"side=BUY&timestamp={_now()}"
    sig = hmac_signature(acct["api_secret"], q + body)
    resp = await asim.client.post(
        f"/api/v3/_signed?{q}",
        data=f"{body}&signature={sig}",
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert resp.status == 200, await resp.text()
    resp = await asim.client.delete(
        "/fapi/v1/_signed",
        data=f"{body}&signature={sig}",
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert (await resp.json())["code"] == -1022


@pytest.mark.parametrize("key_type", ["ED25519", "RSA"])
async def test_asymmetric_keys_generated_and_verified(asim: Sim, key_type: str) -> None:
    acct = await _create(asim, key_type=key_type)
    assert acct["api_secret"] is None and "BEGIN PRIVATE KEY" in acct["private_key"]
    private = serialization.load_pem_private_key(acct["private_key"].encode(), password=None)
    query = urlencode({"symbol": "BTCUSDT", "timestamp": _now()})
    if key_type == "RSA":
        raw = private.sign(query.encode(), padding.PKCS1v15(), hashes.SHA256())  # type: ignore[call-arg, union-attr]
    else:
        raw = private.sign(query.encode())  # type: ignore[call-arg, union-attr]
    sig = quote(base64.b64encode(raw).decode(), safe="")
    headers = {"X-MBX-APIKEY": acct["api_key"]}
    resp = await asim.client.get(f"/api/v3/_signed?{query}&signature={sig}", headers=headers)
    assert resp.status == 200, await resp.text()
    bad = quote(base64.b64encode(b"x" * len(raw)).decode(), safe="")
    resp = await asim.client.get(f"/api/v3/_signed?{query}&signature={bad}", headers=headers)
    assert (await resp.json())["code"] == -1022


async def test_caller_supplied_public_key(asim: Sim) -> None:
    from cryptography.hazmat.primitives.asymmetric import ed25519

    private = ed25519.Ed25519PrivateKey.generate()
    public = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    acct = await _create(asim, key_type="ED25519", public_key=public)
    assert acct["api_secret"] is None and "private_key" not in acct
    query = f"timestamp={_now()}"
    sig = quote(base64.b64encode(private.sign(query.encode())).decode(), safe="")
    resp = await asim.client.get(
        f"/fapi/v1/_signed?{query}&signature={sig}", headers={"X-MBX-APIKEY": acct["api_key"]}
    )
    assert resp.status == 200, await resp.text()
    resp = await asim.client.post("/_sim/accounts", json={"key_type": "RSA", "public_key": public})
    assert resp.status == 400


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("no_key", 401, -2014),
        ("short_key", 401, -2014),
        ("unknown_key_spot", 401, -2015),
        ("unknown_key_futures", 401, -2008),
        ("bad_signature", 400, -1022),
        ("no_signature", 400, -1102),
        ("old_timestamp", 400, -1021),
        ("future_timestamp", 400, -1021),
        ("big_recv_window", 400, -1131),
        ("no_timestamp", 400, -1102),
        ("no_futures_permission", 401, -2015),
        ("read_only_trade", 401, -2015),
    ],
)
async def test_auth_errors(asim: Sim, case: str, status: int, code: int) -> None:
    acct = await _create(asim)
    spot_only = await _create(asim, permissions=["SPOT"])
    read_only = await _create(asim, permissions=["SPOT", "FUTURES", "READ_ONLY"])
    key, secret, path, ts, extra = acct["api_key"], acct["api_secret"], "/api/v3/_signed", _now(), ""
    if case == "no_futures_permission":
        key, secret, path = spot_only["api_key"], spot_only["api_secret"], "/fapi/v1/_signed"
    if case == "read_only_trade":
        key, secret, extra = read_only["api_key"], read_only["api_secret"], "sec=TRADE&"
    if case == "unknown_key_futures":
        path = "/fapi/v1/_signed"
    if case in ("unknown_key_spot", "unknown_key_futures"):
        key = "A" * 64
    if case == "old_timestamp":
        ts -= 6000
    if case == "future_timestamp":
        ts += 5000
    query = f"{extra}timestamp={ts}"
    if case == "big_recv_window":
        query += "&recvWindow=70000"
    if case == "no_timestamp":
        query = f"{extra}symbol=BTCUSDT"
    sig = hmac_signature(secret, query)
    if case == "bad_signature":
        sig = "0" * 64
    url = f"{path}?{query}" if case == "no_signature" else f"{path}?{query}&signature={sig}"
    headers = {} if case == "no_key" else {"X-MBX-APIKEY": "short" if case == "short_key" else key}
    resp = await asim.client.get(url, headers=headers)
    body = await resp.json()
    assert (resp.status, body["code"]) == (status, code), body


async def test_microsecond_timestamps_on_spot(asim: Sim) -> None:
    acct = await _create(asim)
    query = f"timestamp={_now() * 1000}&recvWindow=5000.5"
    sig = hmac_signature(acct["api_secret"], query)
    resp = await asim.client.get(
        f"/api/v3/_signed?{query}&signature={sig}", headers={"X-MBX-APIKEY": acct["api_key"]}
    )
    assert resp.status == 200, await resp.text()


def test_params_readers() -> None:
    from decimal import Decimal

    from simulator.errors import BinanceError

    p = Params([("q", "1.50"), ("n", "7"), ("b", "TRUE"), ("e", "GTC"), ("l", '["A","B"]')])
    assert p.decimal("q") == Decimal("1.50") and p.int("n") == 7 and p.bool("b") is True
    assert p.enum("e", ("GTC", "IOC")) == "GTC" and p.json_list("l") == ["A", "B"]
    p.finish()
    for value in ("1e5", "-1", ".5", "1.", "1,0", "0x10", "NaN", "1" * 21):
        with pytest.raises(BinanceError) as err:
            Params([("q", value)]).decimal("q")
        assert err.value.code == -1100
    with pytest.raises(BinanceError) as err:
        Params([("a", "1"), ("a", "2")])
    assert err.value.code == -1101
    extra = Params([("a", "1"), ("b", "2")])
    extra.str("a")
    with pytest.raises(BinanceError) as err:
        extra.finish()
    assert err.value.code == -1104
    with pytest.raises(BinanceError) as err:
        Params([]).decimal("price")
    assert err.value.code == -1102
    with pytest.raises(BinanceError) as err:
        Params([("side", "UP")]).enum("side", ("BUY", "SELL"), error=BinanceError(-1117, "Invalid side."))
    assert err.value.code == -1117
