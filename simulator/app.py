"""create_app: the aiohttp application serving every Binance path and /_sim/ on one port."""

from __future__ import annotations

import asyncio
import importlib
import logging
import warnings
from typing import TYPE_CHECKING

from aiohttp import web

from simulator import control, persistence, sapi
from simulator.errors import BinanceError, error_middleware
from simulator.exchange import Exchange
from simulator.faults import make_middleware
from simulator.market import rest_futures, rest_spot
from simulator.ratelimit import ORDER_COUNT_KEY, WEIGHT_KEY
from simulator.streams import server as stream_server
from simulator.timeunit import time_unit_middleware

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from simulator.config import Config

log = logging.getLogger(__name__)
EXTENSION_MODULES = ("simulator.spot", "simulator.futures")


def _limit_headers(request: web.Request) -> dict[str, str]:
    headers: dict[str, str] = {}
    if WEIGHT_KEY in request:
        used = str(request[WEIGHT_KEY])
        headers["X-MBX-USED-WEIGHT-1M"] = used
        if request.path.startswith("/api/"):
            # Spot also sends the legacy unsuffixed header that older SDKs read.
            headers["X-MBX-USED-WEIGHT"] = used
    for suffix, count in request.get(ORDER_COUNT_KEY, {}).items():
        headers[f"X-MBX-ORDER-COUNT-{suffix}"] = str(count)
    return headers


@web.middleware
async def limit_headers_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        response = await handler(request)
    except BinanceError as err:
        err.headers = {**_limit_headers(request), **err.headers}
        raise
    if not response.prepared:
        response.headers.update(_limit_headers(request))
    return response


def _setup_extensions(app: web.Application, exchange: Exchange) -> None:
    # Spot and futures are part of the exchange: if either cannot start, the exchange must not
    # pretend to be whole, so an import or setup error stops start-up with its traceback.
    for module_name in EXTENSION_MODULES:
        importlib.import_module(module_name).setup(app, exchange)


async def _persist_loop(exchange: Exchange) -> None:
    path = exchange.config.state_file
    assert path is not None
    while True:
        await asyncio.sleep(exchange.config.persist_every_s)
        try:
            persistence.save(exchange, path)
        except Exception:
            log.exception("saving state to %s failed", path)


def create_app(config: Config) -> web.Application:
    exchange = Exchange(config)
    app = web.Application(
        middlewares=[
            error_middleware,
            make_middleware(lambda: exchange.faults, exchange.ratelimit.storm),
            limit_headers_middleware,
            time_unit_middleware,
        ],
        client_max_size=1 << 20,
    )
    with warnings.catch_warnings():
        # CONTRACT.md fixes the plain "exchange" key that spot/ and futures/ read.
        warnings.simplefilter("ignore", web.NotAppKeyWarning)
        app["exchange"] = exchange
    rest_spot.add_routes(app)
    rest_futures.add_routes(app)
    stream_server.add_routes(app)
    control.add_routes(app)
    sapi.add_routes(app)
    _setup_extensions(app, exchange)
    if config.state_file is not None:
        persistence.load(exchange, config.state_file)
    if config.create_dev_account:
        exchange.create_dev_account()
    exchange.market.start()

    async def on_startup(_app: web.Application) -> None:
        extra = []
        if config.state_file is not None:
            extra.append(lambda: _persist_loop(exchange))
        exchange.start_background(extra)

    async def on_shutdown(_app: web.Application) -> None:
        await exchange.stop_background()

    async def on_cleanup(_app: web.Application) -> None:
        if config.state_file is not None:
            persistence.save(exchange, config.state_file)

    app.on_startup.append(on_startup)
    app.on_shutdown.append(on_shutdown)
    app.on_cleanup.append(on_cleanup)
    return app
