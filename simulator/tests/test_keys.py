"""API keys as a platform sees them: their restrictions, and several keys per account for rotation."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from simulator.auth import hmac_signature
from simulator.tests.conftest import Sim, small_config, start_sim


async def _create(sim: Sim, **body: Any) -> dict[str, Any]:
    response = await sim.client.post("/_sim/accounts", json={"balances": {"USDT": "1000"}, **body})
    assert response.status == 201, await response.text()
    return dict(await response.json())


async def _signed_get(sim: Sim, path: str, key: dict[str, Any]) -> tuple[int, Any]:
    query = urlencode({"timestamp": int(time.time() * 1000)})
    query += "&signature=" + hmac_signature(key["api_secret"], query)
    response = await sim.client.get(f"{path}?{query}", headers={"X-MBX-APIKEY": key["api_key"]})
    return response.status, await response.json()


async def test_api_restrictions_report_what_the_key_may_do(sim: Sim) -> None:
    key = await _create(sim)
    status, body = await _signed_get(sim, "/sapi/v1/account/apiRestrictions", key)
    assert status == 200
    assert body["enableWithdrawals"] is False
    assert body["enableFutures"] is True and body["enableSpotAndMarginTrading"] is True
    assert body["enableReading"] is True and body["ipRestrict"] is False
    assert isinstance(body["createTime"], int) and abs(body["createTime"] - time.time() * 1000) < 60_000


async def test_a_key_created_with_withdrawals_says_so(sim: Sim) -> None:
    key = await _create(sim, enable_withdrawals=True, permissions=["SPOT"])
    _, body = await _signed_get(sim, "/sapi/v1/account/apiRestrictions", key)
    assert body["enableWithdrawals"] is True
    assert body["enableFutures"] is False


async def test_a_read_only_key_cannot_trade_by_its_restrictions(sim: Sim) -> None:
    key = await _create(sim, permissions=["READ_ONLY"])
    _, body = await _signed_get(sim, "/sapi/v1/account/apiRestrictions", key)
    assert body["enableSpotAndMarginTrading"] is False and body["enableFutures"] is False


async def test_api_restrictions_need_a_signature(sim: Sim) -> None:
    key = await _create(sim)
    response = await sim.client.get(
        "/sapi/v1/account/apiRestrictions", headers={"X-MBX-APIKEY": key["api_key"]}
    )
    assert response.status == 400
    assert (await response.json())["code"] in (-1102, -1022)


async def test_a_second_key_reaches_the_same_account_and_the_first_can_be_revoked(sim: Sim) -> None:
    first = await _create(sim)
    response = await sim.client.post(f"/_sim/accounts/{first['account_id']}/keys", json={})
    assert response.status == 201
    second = await response.json()
    assert second["account_id"] == first["account_id"] and second["api_key"] != first["api_key"]
    _, account_by_second = await _signed_get(sim, "/api/v3/account", second)
    usdt = [b for b in account_by_second["balances"] if b["asset"] == "USDT"]
    assert usdt and usdt[0]["free"].startswith("1000")
    revoked = await sim.client.delete(f"/_sim/accounts/{first['account_id']}/keys/{first['api_key']}")
    assert revoked.status == 200
    status, body = await _signed_get(sim, "/api/v3/account", first)
    assert status == 401 and body["code"] == -2015
    assert (await _signed_get(sim, "/api/v3/account", second))[0] == 200


async def test_the_last_key_of_an_account_cannot_be_revoked(sim: Sim) -> None:
    key = await _create(sim)
    response = await sim.client.delete(f"/_sim/accounts/{key['account_id']}/keys/{key['api_key']}")
    assert response.status == 400
    assert "at least one key" in (await response.json())["msg"]


async def test_keys_for_unknown_accounts_are_refused(sim: Sim) -> None:
    response = await sim.client.post("/_sim/accounts/nope/keys", json={})
    assert response.status == 404
    bad = await sim.client.post("/_sim/accounts", json={"enable_withdrawals": "yes"})
    assert bad.status == 400


async def test_every_key_survives_a_restart(sim: Sim) -> None:
    first = await _create(sim)
    second = await (await sim.client.post(f"/_sim/accounts/{first['account_id']}/keys", json={})).json()
    state = sim.exchange.accounts.dump_state()
    restarted = await start_sim(small_config())
    try:
        restarted.exchange.accounts.load_state(state)
        for key in (first, second):
            assert restarted.exchange.accounts.by_api_key(key["api_key"]).account_id == first["account_id"]
        assert restarted.exchange.accounts.get(first["account_id"]).api_key == first["api_key"]
    finally:
        await restarted.client.close()
