"""Spot `X-MBX-TIME-UNIT: MICROSECOND`: every time field of a /api/v3 JSON answer in microseconds.

Binance spot keeps milliseconds by default; with the header set to MICROSECOND (case-insensitive) the
timestamps in the response are microseconds (python-binance `Client(time_unit=...)` sends it). The engines
work in milliseconds, so the answer is rewritten on the way out rather than threading a unit through them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

HEADER = "X-MBX-TIME-UNIT"
# Object keys that carry a millisecond timestamp in spot REST answers.
TIME_KEYS = frozenset(
    {
        "serverTime",
        "transactTime",
        "transactionTime",
        "time",
        "updateTime",
        "workingTime",
        "openTime",
        "closeTime",
        "T",
    }
)
# Kline rows: [openTime, o, h, l, c, v, closeTime, ...].
KLINE_TIME_COLUMNS = (0, 6)


def _to_micros(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: v * 1000
            if k in TIME_KEYS and isinstance(v, int) and not isinstance(v, bool)
            else _to_micros(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        if len(value) == 12 and all(isinstance(value[i], int) for i in KLINE_TIME_COLUMNS):
            return [v * 1000 if i in KLINE_TIME_COLUMNS else v for i, v in enumerate(value)]
        return [_to_micros(v) for v in value]
    return value


def wants_micros(request: web.Request) -> bool:
    return request.path.startswith("/api/") and request.headers.get(HEADER, "").upper() == "MICROSECOND"


@web.middleware
async def time_unit_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    response = await handler(request)
    if not wants_micros(request) or not isinstance(response, web.Response) or response.prepared:
        return response
    if response.content_type != "application/json" or response.body is None:
        return response
    assert isinstance(response.body, bytes)
    body = json.dumps(_to_micros(json.loads(response.body)), separators=(",", ":"))
    out = web.Response(text=body, status=response.status, content_type="application/json")
    for name, value in response.headers.items():
        if name.lower() not in ("content-type", "content-length"):
            out.headers[name] = value
    return out
