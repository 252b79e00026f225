"""Spot trading and account REST routes under /api/v3 (market data is core's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.errors import BinanceError, json_response
from simulator.ratelimit import client_ip
from simulator.spot.api.context import Ctx
from simulator.spot.api.table import REST, Operation, run

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from aiohttp import web

    from simulator.exchange import Exchange
    from simulator.spot.engine import SpotEngine

RETIRED_MSG = (
    "The listenKey user data stream was retired on 2026-02-20; use userDataStream.subscribe.signature "
    "on the WebSocket API."
)


def make_handler(
    operation: Operation, engine: SpotEngine
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handle(request: web.Request) -> web.Response:
        exchange: Exchange = request.app["exchange"]
        auth = await exchange.auth.verify(request, operation.security, "spot")
        assert auth.account is not None
        ctx = Ctx(exchange, engine, auth.account, request, client_ip(request))
        return json_response(run(operation, ctx, auth.params))

    return handle


async def retired_listen_key(request: web.Request) -> web.Response:
    """SPOT-DOCS CHANGELOG 2026-01-21: POST/PUT/DELETE /api/v3/userDataStream are gone; clients saw 410."""
    exchange: Exchange = request.app["exchange"]
    exchange.ratelimit.charge(request, "spot", 2)
    raise BinanceError(-1000, RETIRED_MSG, status=410)


def add_routes(app: web.Application, engine: SpotEngine) -> None:
    for (method, path), operation in REST.items():
        app.router.add_route(method, "/api/v3/" + path, make_handler(operation, engine))
    for method in ("POST", "PUT", "DELETE"):
        app.router.add_route(method, "/api/v3/userDataStream", retired_listen_key)
