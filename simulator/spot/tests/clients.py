"""python-binance and ccxt configured against the simulator exactly as a user would (fact sheet §1.1)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ccxt
from binance import AsyncClient, BinanceSocketManager, Client

if TYPE_CHECKING:
    from simulator.spot.tests.conftest import Sim, Trader


def sync_client(sim: Sim, trader: Trader) -> Client:
    class SimClient(Client):
        API_URL = sim.base + "/api"
        WS_API_URL = sim.ws_base + "/ws-api/v3"

    return SimClient(trader.api_key, trader.secret, private_key=trader.private_key)


async def async_client(sim: Sim, trader: Trader) -> AsyncClient:
    class SimAsyncClient(AsyncClient):
        API_URL = sim.base + "/api"
        WS_API_URL = sim.ws_base + "/ws-api/v3"

    if trader.private_key is not None:
        client = await SimAsyncClient.create(trader.api_key, private_key=trader.private_key)
    else:
        client = await SimAsyncClient.create(trader.api_key, trader.secret)
    # python-binance only notices its own close after a recv timeout (10 s); keep test teardown short.
    client.ws_api.TIMEOUT = 0.5
    return client


def socket_manager(sim: Sim, client: AsyncClient) -> BinanceSocketManager:
    class SimSocketManager(BinanceSocketManager):
        STREAM_URL = sim.ws_base + "/"

    return SimSocketManager(client)


def ccxt_spot(sim: Sim, trader: Trader) -> Any:
    """ccxt's binance with every spot and USD-M prefix pointed at the simulator (fact sheet §1.1)."""
    exchange = ccxt.binance(
        {
            "apiKey": trader.api_key,
            "secret": trader.secret,
            "enableRateLimit": False,
            "options": {
                "fetchMarkets": {"types": ["spot", "linear"]},
                "fetchCurrencies": False,
                "fetchMargins": False,
            },
        }
    )
    api = exchange.urls["api"]
    api.update({"public": sim.base + "/api/v3", "private": sim.base + "/api/v3", "v1": sim.base + "/api/v1"})
    for key in ("fapiPublic", "fapiPrivate", "fapiData"):
        api[key] = sim.base + ("/futures/data" if key == "fapiData" else "/fapi/v1")
    for version in ("V2", "V3"):
        api["fapiPublic" + version] = sim.base + "/fapi/" + version.lower()
        api["fapiPrivate" + version] = sim.base + "/fapi/" + version.lower()
    return exchange
