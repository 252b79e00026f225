"""Fault injection for REST: latency, random errors (optionally after executing), 429 storms, maintenance.

Set through POST /_sim/faults; never applied to /_sim/ itself or to WebSocket upgrades (those get
`ws_disconnect_every_s`, applied by wsutil).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from simulator.errors import BinanceError, error_response

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

UNKNOWN_SPOT = (
    -1007,
    "Timeout waiting for response from backend server. Send status unknown; execution status unknown.",
)
UNKNOWN_FUTURES = (-1000, "Unknown error, please check your request or try again later.")
INTERNAL = (-1001, "Internal error; unable to process your request. Please try again.")
MAINTENANCE = (-1001, "Service Unavailable.")


@dataclass
class Faults:
    latency_ms: int = 0
    latency_jitter_ms: int = 0
    error_rate: float = 0.0
    error_status: int = 503
    # True: the request is executed and then answered with error_status (the "unknown outcome" case).
    error_after_execute: bool = False
    error_code: int | None = None
    error_msg: str | None = None
    storm_429: bool = False
    maintenance: bool = False
    ws_disconnect_every_s: float | None = None
    # Only requests whose path starts with one of these are affected (empty = all Binance paths).
    paths: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    seed: int | None = None

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def applies(self, request: web.Request) -> bool:
        path = request.path
        if path.startswith("/_sim") or request.headers.get("Upgrade", "").lower() == "websocket":
            return False
        if self.paths and not any(path.startswith(p) for p in self.paths):
            return False
        return not (self.methods and request.method not in self.methods)

    def roll(self) -> bool:
        return self.error_rate > 0 and self._rng.random() < self.error_rate


FIELDS = {f for f in Faults.__dataclass_fields__ if not f.startswith("_")}


def parse_faults(body: dict[str, Any], current: Faults) -> Faults:
    if body.get("clear"):
        return Faults()
    body = {k: v for k, v in body.items() if k != "clear"}
    unknown = set(body) - FIELDS
    if unknown:
        raise BinanceError(-1103, f"An unknown parameter was sent: {sorted(unknown)}.")
    for key, value in body.items():
        if not _type_ok(key, value):
            raise BinanceError(-1130, f"Invalid value for fault setting '{key}'.")
    faults = Faults(**{**current.as_dict(), **body})
    if not 0 <= faults.error_rate <= 1 or not 100 <= faults.error_status <= 599:
        raise BinanceError(-1130, "error_rate must be within 0..1 and error_status a HTTP status.")
    if faults.latency_ms < 0 or faults.latency_jitter_ms < 0 or faults.latency_ms > 120_000:
        raise BinanceError(-1130, "latency_ms must be within 0..120000.")
    if faults.ws_disconnect_every_s is not None and faults.ws_disconnect_every_s <= 0:
        raise BinanceError(-1130, "ws_disconnect_every_s must be positive.")
    return faults


_NUMBER_FIELDS = {
    "latency_ms": int,
    "latency_jitter_ms": int,
    "error_status": int,
    "error_rate": float,
    "ws_disconnect_every_s": float,
    "error_code": int,
    "seed": int,
}
_BOOL_FIELDS = {"error_after_execute", "storm_429", "maintenance"}
_OPTIONAL = {"ws_disconnect_every_s", "error_code", "error_msg", "seed"}


def _type_ok(key: str, value: object) -> bool:
    if value is None:
        return key in _OPTIONAL
    if key in _BOOL_FIELDS:
        return isinstance(value, bool)
    if key in _NUMBER_FIELDS:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return _NUMBER_FIELDS[key] is float or isinstance(value, int)
    if key == "error_msg":
        return isinstance(value, str)
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _error_for(request: web.Request, faults: Faults, *, executed: bool) -> BinanceError:
    futures = request.path.startswith("/fapi")
    if faults.error_code is not None:
        code, msg = faults.error_code, faults.error_msg or "Injected fault."
    elif faults.error_status >= 500 and executed:
        code, msg = UNKNOWN_FUTURES if futures else UNKNOWN_SPOT
    else:
        code, msg = INTERNAL
    return BinanceError(code, msg, status=faults.error_status)


def make_middleware(get_faults: Callable[[], Faults], storm: Callable[[web.Request], BinanceError]) -> Any:
    @web.middleware
    async def faults_middleware(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        faults = get_faults()
        if not faults.applies(request):
            return await handler(request)
        if faults.latency_ms or faults.latency_jitter_ms:
            jitter = faults._rng.uniform(0, faults.latency_jitter_ms) if faults.latency_jitter_ms else 0
            await asyncio.sleep((faults.latency_ms + jitter) / 1000)
        if faults.maintenance:
            return error_response(BinanceError(*MAINTENANCE, status=503))
        if faults.storm_429:
            return error_response(storm(request))
        if faults.roll():
            if faults.error_after_execute:
                with contextlib.suppress(BinanceError):
                    await handler(request)
                return error_response(_error_for(request, faults, executed=True))
            return error_response(_error_for(request, faults, executed=False))
        return await handler(request)

    return faults_middleware
