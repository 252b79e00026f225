"""The /_sim/ control API: accounts, orders, symbols, clock, reset, health; and --state persistence."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from simulator import persistence
from simulator.config import DEV_API_KEY
from simulator.tests.conftest import Sim, small_config, start_sim

if TYPE_CHECKING:
    from pathlib import Path

    from simulator.accounts import Account


class FakeExtension:
    """Records the calls core makes through the Extension protocol."""

    def __init__(self) -> None:
        self.created: list[tuple[str, dict[str, Any]]] = []
        self.state: dict[str, Any] = {"orders": []}
        self.ticks = 0
        self.was_reset = False

    def on_account_created(self, account: Account, body: dict[str, Any]) -> None:
        self.created.append((account.account_id, body))

    def account_snapshot(self, account_id: str) -> dict[str, Any]:
        return {
            "open_orders": [
                {
                    "account_id": account_id,
                    "market": "fake",
                    "symbol": "BTCUSDT",
                    "status": "NEW",
                    "clientOrderId": "c1",
                }
            ]
        }

    def find_orders(self, client_order_id: str) -> list[dict[str, Any]]:
        return [{"clientOrderId": client_order_id, "market": "fake"}] if client_order_id == "c1" else []

    def reset(self) -> None:
        self.was_reset = True

    def dump_state(self) -> dict[str, Any]:
        return self.state

    def load_state(self, data: dict[str, Any]) -> None:
        self.state = data

    def on_tick(self, now_ms: int, sim_ms: int) -> None:
        self.ticks += 1


async def test_accounts_lifecycle(sim: Sim) -> None:
    fake = FakeExtension()
    sim.exchange.register_extension("fake", fake)
    resp = await sim.client.post("/_sim/accounts", json={"balances": {"USDT": "500"}, "futures_balances": {}})
    assert resp.status == 201
    created = await resp.json()
    assert set(created) >= {"account_id", "api_key", "api_secret"} and len(created["api_key"]) == 64
    assert fake.created[0][0] == created["account_id"] and fake.created[0][1]["balances"] == {"USDT": "500"}
    view = await (await sim.client.get(f"/_sim/accounts/{created['account_id']}")).json()
    assert set(view) >= {"account_id", "balances", "futures_balances", "positions", "open_orders"}
    assert any(o["market"] == "fake" for o in view["open_orders"])
    orders = await (await sim.client.get("/_sim/orders?client_order_id=c1")).json()
    assert {"clientOrderId": "c1", "market": "fake"} in orders
    assert (await sim.client.get("/_sim/orders")).status == 400
    assert (await sim.client.get("/_sim/accounts/nope")).status == 404
    listing = await (await sim.client.get("/_sim/accounts")).json()
    assert any(a["api_key"] == DEV_API_KEY for a in listing)


async def test_account_bad_input(sim: Sim) -> None:
    for body in (
        {"key_type": "DSA"},
        {"balances": [1]},
        {"permissions": "SPOT"},
        {"permissions": ["MARGIN"]},
        {"key_type": "ED25519", "public_key": "not a pem"},
    ):
        resp = await sim.client.post("/_sim/accounts", json=body)
        assert resp.status == 400, body
        assert set(await resp.json()) == {"code", "msg"}


async def test_symbol_status_and_filters(sim: Sim) -> None:
    resp = await sim.client.post("/_sim/symbols/ETHUSDT", json={"market": "spot", "status": "HALT"})
    assert resp.status == 200 and (await resp.json())["status"] == "HALT"
    info = await (await sim.client.get("/api/v3/exchangeInfo?symbol=ETHUSDT")).json()
    assert info["symbols"][0]["status"] == "HALT"
    before = sim.exchange.market.feed("spot", "ETHUSDT").history.next_trade_id
    sim.ticks(20)
    assert sim.exchange.market.feed("spot", "ETHUSDT").history.next_trade_id == before  # halted: no trades
    new_lot = {
        "filterType": "LOT_SIZE",
        "minQty": "0.01000000",
        "maxQty": "100.00000000",
        "stepSize": "0.01000000",
    }
    resp = await sim.client.post("/_sim/symbols/BTCUSDT", json={"market": "futures", "filters": [new_lot]})
    assert resp.status == 200
    assert str(sim.exchange.symbols.get("futures", "BTCUSDT").step_size) == "0.01000000"
    resp = await sim.client.post("/_sim/symbols/BTCUSDT", json={"market": "spot", "status": "delist"})
    assert (await resp.json())["delisted"] is True
    for body in (
        {"market": "spot", "status": "SLEEPING"},
        {"market": "moon"},
        {"filters": "x"},
        {"market": "spot", "filters": [{"filterType": "PRICE_FILTER", "tickSize": "abc"}]},
    ):
        assert (await sim.client.post("/_sim/symbols/BTCUSDT", json=body)).status == 400, body
    assert (await sim.client.post("/_sim/symbols/NOPE", json={"status": "HALT"})).status == 400


async def test_clock_control(sim: Sim) -> None:
    paused = await (await sim.client.post("/_sim/clock", json={"action": "pause"})).json()
    assert paused["paused"] is True
    stepped = await (await sim.client.post("/_sim/clock", json={"action": "step", "ms": 3_600_000})).json()
    assert stepped["sim_ms"] == paused["sim_ms"] + 3_600_000
    resp = await sim.client.post("/_sim/clock", json={"resume": True, "speed": 10, "ticks": 3})
    faster = await resp.json()
    assert faster["speed"] == 10.0 and faster["paused"] is False
    assert (await sim.client.post("/_sim/clock", json={"speed": -1})).status == 400
    assert (await sim.client.post("/_sim/clock", json={"speed": "fast"})).status == 400


async def test_reset_and_health(sim: Sim) -> None:
    fake = FakeExtension()
    sim.exchange.register_extension("fake", fake)
    await sim.client.post("/_sim/accounts", json={})
    await sim.client.post("/_sim/faults", json={"latency_ms": 5})
    resp = await sim.client.post("/_sim/reset")
    assert resp.status == 200 and fake.was_reset
    health = await (await sim.client.get("/_sim/health")).json()
    assert health["status"] == "ok" and health["accounts"] == 1  # only the dev account again
    assert sim.exchange.faults.latency_ms == 0
    sim.ticks(2)
    assert fake.ticks == 2


async def test_state_survives_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = await start_sim(small_config(state_file=state))
    fake = FakeExtension()
    fake.state = {"orders": [{"id": 1}]}
    first.exchange.register_extension("fake", fake)
    created = await (await first.client.post("/_sim/accounts", json={"balances": {"USDT": "123.45"}})).json()
    await first.client.post("/_sim/symbols/SOLUSDT", json={"market": "spot", "status": "BREAK"})
    spot_before = first.exchange.account_view(created["account_id"]).get("balances")
    await first.client.close()  # on_cleanup writes the file
    data = json.loads(state.read_text())
    assert data["extensions"]["fake"] == {"orders": [{"id": 1}]}
    assert not list(tmp_path.glob("*.tmp"))

    second = await start_sim(small_config(state_file=state))
    try:
        account = second.exchange.accounts.get(created["account_id"])
        assert account is not None and account.api_key == created["api_key"]
        assert second.exchange.symbols.get("spot", "SOLUSDT").status == "BREAK"
        assert second.exchange.account_view(created["account_id"]).get("balances") == spot_before
        fake2 = FakeExtension()
        second.exchange.register_extension("fake", fake2)
        persistence.load(second.exchange, state)
        assert fake2.state == {"orders": [{"id": 1}]}
    finally:
        await second.client.close()
