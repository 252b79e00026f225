"""Acceptance probe by hand: unmodified ccxt and python-binance against a real `python -m simulator` process.

Not collected by pytest (it takes about a minute and starts subprocesses). Run it with
`.venv/bin/python -m simulator.tests.manual_client_probe [--seconds 20]`; it prints one line per check and
exits non-zero when one fails. It covers what a paper-trader does over a week: orders on both markets through
both clients, streams and local order books, a restart with --state, a funding boundary and a liquidation.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ccxt
import requests
from binance import DepthCacheManager, FuturesDepthCacheManager

from simulator.config import DEV_API_KEY, DEV_API_SECRET
from simulator.tests.test_clients import ccxt_config, client_classes, point_ccxt

if TYPE_CHECKING:
    from collections.abc import Callable

RESULTS: list[tuple[str, bool, str]] = []


def check(name: str, fn: Callable[[], Any]) -> Any:
    try:
        value = fn()
    except Exception as exc:  # a probe reports every failure and carries on
        RESULTS.append((name, False, f"{type(exc).__name__}: {exc}"[:160]))
        return None
    RESULTS.append((name, True, str(value)[:100]))
    return value


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(port: int, state: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "simulator", "--port", str(port), "--state", str(state), "--seed", "3"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/api/v3/ping", timeout=1)
            return proc
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("simulator did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    proc.wait(30)


def ccxt_session(base: str) -> None:
    ex = ccxt.binance(ccxt_config(base))
    point_ccxt(ex, base)
    ex.load_markets()
    perp = "BTC/USDT:USDT"
    check("ccxt fetch_ohlcv/trades/book/tickers", lambda: len(ex.fetch_ohlcv("BTC/USDT", "1h", limit=3)))
    check("ccxt fetch_trades", lambda: len(ex.fetch_trades("BTC/USDT", limit=5)))
    check("ccxt fetch_order_book", lambda: ex.fetch_order_book("BTC/USDT", limit=5)["bids"][0])
    check("ccxt fetch_tickers", lambda: len(ex.fetch_tickers()))
    check("ccxt fetch_balance", lambda: ex.fetch_balance()["total"]["USDT"])
    order = check("ccxt spot limit", lambda: ex.create_order("BTC/USDT", "limit", "buy", 0.001, 30000))
    check("ccxt fetch_open_orders", lambda: [o["id"] for o in ex.fetch_open_orders("BTC/USDT")])
    if order:
        check(
            "ccxt edit_order",
            lambda: ex.edit_order(order["id"], "BTC/USDT", "limit", "buy", 0.001, 31000)["id"],
        )
    check("ccxt cancel_all_orders", lambda: len(ex.cancel_all_orders("BTC/USDT")))
    check("ccxt spot market", lambda: ex.create_order("BTC/USDT", "market", "buy", 0.001)["status"])
    check("ccxt fetch_my_trades", lambda: len(ex.fetch_my_trades("BTC/USDT")))
    check("ccxt set_leverage", lambda: ex.set_leverage(10, perp))
    check("ccxt set_margin_mode", lambda: ex.set_margin_mode("isolated", "ETH/USDT:USDT"))
    check(
        "ccxt fetch_funding_rate(s)",
        lambda: (ex.fetch_funding_rate(perp)["fundingRate"], len(ex.fetch_funding_rates())),
    )
    check(
        "ccxt fetch_funding_rate_history",
        lambda: len(ex.fetch_funding_rate_history("XRP/USDT:USDT", limit=3)),
    )
    check("ccxt fetch_mark_ohlcv", lambda: len(ex.fetch_mark_ohlcv(perp, "1h", limit=3)))
    check("ccxt fetch_index_ohlcv", lambda: len(ex.fetch_index_ohlcv(perp, "1h", limit=3)))
    check("ccxt perp market buy", lambda: ex.create_order(perp, "market", "buy", 0.01)["status"])
    check("ccxt fetch_positions", lambda: [(p["symbol"], p["contracts"]) for p in ex.fetch_positions([perp])])
    check(
        "ccxt perp close",
        lambda: ex.create_order(perp, "market", "sell", 0.01, None, {"reduceOnly": True})["id"],
    )


async def python_binance_session(base: str, seconds: float) -> None:
    _, async_cls, bsm_cls = client_classes(base)
    client = await async_cls.create(DEV_API_KEY, DEV_API_SECRET)
    bm = bsm_cls(client)
    try:
        async with bm.user_socket() as user:
            await client.order_market_buy(symbol="ETHUSDT", quantity="0.01")
            kinds = [(await asyncio.wait_for(user.recv(), 5))["e"] for _ in range(3)]
        check("pb spot user stream", lambda: kinds)
        async with bm.futures_user_socket() as user:
            await client.futures_create_order(symbol="ETHUSDT", side="BUY", type="MARKET", quantity="0.1")
            kinds = [(await asyncio.wait_for(user.recv(), 5))["e"] for _ in range(4)]
        check("pb futures user stream order", lambda: kinds)
        algo = await client.futures_create_order(
            symbol="ETHUSDT",
            side="SELL",
            type="STOP_MARKET",
            stopPrice="100",
            quantity="0.1",
            reduceOnly="true",
        )
        check("pb futures STOP_MARKET (routed to algoOrder)", lambda: algo["algoStatus"])
        updates, bad = 0, 0
        deadline = time.monotonic() + seconds
        async with DepthCacheManager(client, "BTCUSDT", bm=bm, refresh_interval=0) as dcm:
            while time.monotonic() < deadline:
                cache = await asyncio.wait_for(dcm.recv(), 10)
                updates += 1
                bad += cache.get_bids()[0][0] >= cache.get_asks()[0][0]
        check("pb DepthCacheManager", lambda: f"{updates} updates, {bad} crossed" if not bad else 1 / 0)
        async with FuturesDepthCacheManager(client, "BTCUSDT", bm=bm) as dcm:
            cache = await asyncio.wait_for(dcm.recv(), 10)
        check("pb FuturesDepthCacheManager", lambda: cache.get_bids()[0])
        async with bm.kline_futures_socket("BTCUSDT") as sock:
            msg = await asyncio.wait_for(sock.recv(), 5)
        check("pb kline_futures_socket", lambda: msg["data"]["e"] if "data" in msg else msg["e"])
    finally:
        await client.close_connection()


def persistence_session(base: str) -> dict[str, Any]:
    sync_cls, _, _ = client_classes(base)
    client = sync_cls(DEV_API_KEY, DEV_API_SECRET)
    client.order_limit_buy(
        symbol="BTCUSDT", quantity="0.001", price="30000", newClientOrderId="probe-persist"
    )
    return requests.get(f"{base}/_sim/accounts/dev", timeout=5).json()


def truth(view: dict[str, Any], key: str) -> Any:
    """The parts of GET /_sim/accounts/{id} a restart must keep (mark-dependent numbers move on)."""
    if key == "positions":
        return sorted((p["symbol"], p["positionSide"], p["positionAmt"], p["entryPrice"]) for p in view[key])
    if key == "open_orders":
        return sorted(
            (o["market"], o["symbol"], o["status"], o.get("orderId", o.get("algoId"))) for o in view[key]
        )
    return view[key]


def funding_and_liquidation(base: str) -> None:
    acct = requests.post(f"{base}/_sim/accounts", json={"futures_balances": {"USDT": "10"}}, timeout=5).json()
    sync_cls, _, _ = client_classes(base)
    client = sync_cls(acct["api_key"], acct["api_secret"])
    client.futures_change_leverage(symbol="BTCUSDT", leverage=100)
    price = Decimal(client.futures_mark_price(symbol="BTCUSDT")["markPrice"])
    qty = (Decimal(900) / price).quantize(Decimal("0.001"))  # 9 USDT of margin at 100x
    client.futures_create_order(symbol="BTCUSDT", side="SELL", type="MARKET", quantity=str(qty))
    requests.post(f"{base}/_sim/clock", json={"action": "step", "ms": 8 * 3600 * 1000}, timeout=5)
    time.sleep(0.5)
    check(
        "funding applied at the 8 h boundary",
        lambda: client.futures_income_history(incomeType="FUNDING_FEE")[0],
    )
    requests.post(f"{base}/_sim/clock", json={"speed": 3000}, timeout=5)
    for _ in range(60):
        time.sleep(0.5)
        if not any(Decimal(p["positionAmt"]) for p in client.futures_position_information(symbol="BTCUSDT")):
            break
    requests.post(f"{base}/_sim/clock", json={"speed": 1}, timeout=5)
    kinds = sorted({i["incomeType"] for i in client.futures_income_history()})
    check(
        "liquidation (position closed, insurance/fee income)",
        lambda: kinds if "REALIZED_PNL" in kinds else 1 / 0,
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to keep the depth cache")
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "state.json"
        proc = start(port, state)
        try:
            ccxt_session(base)
            asyncio.run(python_binance_session(base, args.seconds))
            before = persistence_session(base)
        finally:
            stop(proc)
        proc = start(port, state)
        try:
            after = requests.get(f"{base}/_sim/accounts/dev", timeout=5).json()
            same = {k: truth(before, k) == truth(after, k) for k in ("balances", "positions", "open_orders")}
            check(
                "restart with --state keeps balances/positions/orders",
                lambda: same if all(same.values()) else 1 / 0,
            )
            funding_and_liquidation(base)
        finally:
            stop(proc)
    width = max(len(name) for name, _, _ in RESULTS)
    for name, ok, detail in RESULTS:
        print(f"{'ok  ' if ok else 'FAIL'} {name:<{width}}  {detail}")
    return 0 if all(ok for _, ok, _ in RESULTS) else 1


if __name__ == "__main__":
    raise SystemExit(main())
