"""Shared handler plumbing: weight charging, auth, FuturesError → BinanceError, JSON output."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from aiohttp import web

from simulator.errors import BinanceError, json_response
from simulator.futures.domain.errors import FuturesError

T = TypeVar("T")

if TYPE_CHECKING:
    from simulator.futures.wiring import FuturesRuntime
    from simulator.params import Params

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
RUNTIME_KEY: web.AppKey[Any] = web.AppKey("futures_runtime")


@dataclass
class Ctx:
    rt: FuturesRuntime
    params: Params
    account_id: str


def runtime(request: web.Request) -> FuturesRuntime:
    rt: FuturesRuntime = request.app[RUNTIME_KEY]
    return rt


def translate(handler: Handler) -> Handler:
    """Engine rejections carry Binance codes; core's middleware renders BinanceError."""

    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except FuturesError as err:
            raise BinanceError(err.code, err.msg, err.status) from None

    return wrapper


async def enter(request: web.Request, security: str, weight: int) -> Ctx:
    rt = runtime(request)
    rt.exchange.ratelimit.charge(request, "futures", weight)
    result = await rt.exchange.auth.verify(request, security, "futures")
    account_id = result.account.account_id if result.account is not None else ""
    return Ctx(rt, result.params, account_id)


def ok(data: Any) -> web.Response:
    return json_response(data)


def symbol_name(params: Params, name: str = "symbol", *, required: bool = True) -> str | None:
    spec = params.symbol(name, "futures", required)
    return spec.symbol if spec is not None else None


def req_symbol(params: Params) -> str:
    name = symbol_name(params)
    assert name is not None
    return name


def order_ref(params: Params) -> tuple[int | None, str | None]:
    order_id = params.int("orderId", required=False)
    client_id = params.str("origClientOrderId", required=False)
    if order_id is None and client_id is None:
        raise BinanceError(
            -1102, "Param 'orderId' or 'origClientOrderId' must be sent, but both were empty/null!"
        )
    return order_id, client_id


def window(params: Params, default_limit: int, max_limit: int) -> tuple[int | None, int | None, int]:
    start = params.int("startTime", required=False)
    end = params.int("endTime", required=False)
    limit = params.int("limit", required=False, default=default_limit, minimum=1, maximum=max_limit)
    if start is not None and end is not None and start > end:
        raise BinanceError(-1023, "Start time is greater than end time.")
    return start, end, limit


def page_by_id(
    rows: Iterable[T],
    *,
    id_of: Callable[[T], int],
    time_of: Callable[[T], int],
    from_id: int | None,
    start: int | None,
    end: int | None,
    limit: int,
) -> list[T]:
    """Binance's history paging: from an id or a time window, oldest first; else the newest `limit` rows."""
    kept = sorted(
        (
            r
            for r in rows
            if (from_id is None or id_of(r) >= from_id)
            and (start is None or time_of(r) >= start)
            and (end is None or time_of(r) <= end)
        ),
        key=id_of,
    )
    return kept[:limit] if from_id is not None or start is not None else kept[-limit:]
