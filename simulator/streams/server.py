"""Market-stream WebSocket endpoints: /ws, /stream and the USD-M /fstream forms, with live SUBSCRIBE."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from aiohttp import WSCloseCode, web

from simulator.wsutil import WsSession, serve_ws

if TYPE_CHECKING:
    from simulator.exchange import Exchange
    from simulator.streams.hub import Market

STREAM_RE = re.compile(r"^[A-Za-z0-9!@_.:+\-]{1,100}$")
ID_RE = re.compile(r"^[A-Za-z0-9]{1,36}$")
INT64_MAX = 2**63 - 1


def _valid_stream(name: object) -> bool:
    return isinstance(name, str) and STREAM_RE.match(name) is not None


def _error(code: int, msg: str, req_id: Any) -> dict[str, Any]:
    return {"error": {"code": code, "msg": msg}, "id": req_id}


class StreamConnection:
    """Subscription state of one market-stream connection."""

    def __init__(self, exchange: Exchange, market: Market, session: WsSession) -> None:
        self.exchange = exchange
        self.market = market
        self.session = session
        self.streams: list[str] = []

    @property
    def max_streams(self) -> int:
        cfg = self.exchange.config.ws
        return cfg.spot_max_streams if self.market == "spot" else cfg.futures_max_streams

    def subscribe(self, names: list[str]) -> str | None:
        new = [n for n in names if n not in self.streams]
        if len(self.streams) + len(new) > self.max_streams:
            return f"Invalid request: too many streams (limit {self.max_streams})"
        for name in new:
            self.streams.append(name)
            self.exchange.streams.subscribe(self.market, name, self.session)
        return None

    def unsubscribe(self, names: list[str]) -> None:
        for name in names:
            if name in self.streams:
                self.streams.remove(name)
                self.exchange.streams.unsubscribe(self.market, name, self.session)

    def close(self) -> None:
        self.unsubscribe(list(self.streams))

    async def on_text(self, session: WsSession, text: str) -> None:  # noqa: C901
        try:
            request = json.loads(text)
        except ValueError as exc:
            session.send_json(_error(3, f"Invalid JSON: {exc}", None))
            return
        if not isinstance(request, dict):
            session.send_json(_error(2, "Invalid request: request must be an object", None))
            return
        req_id = request.get("id")
        valid_id = (
            req_id is None
            or (isinstance(req_id, int) and not isinstance(req_id, bool) and 0 <= req_id <= INT64_MAX)
            or (isinstance(req_id, str) and ID_RE.match(req_id))
        )
        if not valid_id:
            session.send_json(_error(2, "Invalid request: request ID must be an unsigned integer", None))
            return
        method = request.get("method")
        params = request.get("params", [])
        if method in ("SUBSCRIBE", "UNSUBSCRIBE"):
            if not isinstance(params, list) or not all(_valid_stream(p) for p in params):
                session.send_json(_error(2, "Invalid request: invalid stream name", req_id))
                return
            if method == "SUBSCRIBE":
                problem = self.subscribe(params)
                if problem:
                    session.send_json(_error(2, problem, req_id))
                    return
            else:
                self.unsubscribe(params)
            session.send_json({"result": None, "id": req_id})
        elif method == "LIST_SUBSCRIPTIONS":
            session.send_json({"result": list(self.streams), "id": req_id})
        elif method == "SET_PROPERTY":
            if not isinstance(params, list) or len(params) != 2 or params[0] != "combined":
                session.send_json(_error(0, "Unknown property", req_id))
                return
            if not isinstance(params[1], bool):
                session.send_json(_error(1, "Invalid value type: expected Boolean", req_id))
                return
            session.combined = params[1]
            session.send_json({"result": None, "id": req_id})
        elif method == "GET_PROPERTY":
            if params != ["combined"]:
                session.send_json(_error(0, "Unknown property", req_id))
                return
            session.send_json({"result": session.combined, "id": req_id})
        else:
            session.send_json(_error(2, "Invalid request: unknown method", req_id))


async def _serve(
    request: web.Request, market: Market, names: list[str], *, combined: bool
) -> web.StreamResponse:
    exchange: Exchange = request.app["exchange"]
    names = [n for n in names if n]
    holder: dict[str, StreamConnection] = {}

    def on_open(session: WsSession) -> None:
        session.combined = combined
        session.info["kind"] = "market"
        conn = StreamConnection(exchange, market, session)
        holder["conn"] = conn
        if any(not STREAM_RE.match(n) for n in names):
            session.close(WSCloseCode.POLICY_VIOLATION, "Invalid stream name")
            return
        problem = conn.subscribe(names)
        if problem:
            session.close(WSCloseCode.POLICY_VIOLATION, problem)

    async def on_text(session: WsSession, text: str) -> None:
        await holder["conn"].on_text(session, text)

    def on_close(_session: WsSession) -> None:
        if "conn" in holder:
            holder["conn"].close()

    return await serve_ws(request, exchange, market, on_text, on_open=on_open, on_close=on_close)


def _streams_query(request: web.Request) -> list[str]:
    # Read the raw query: form decoding would turn the "+" of `kline_1m@+08:00` into a space.
    for part in request.rel_url.raw_query_string.split("&"):
        key, _, value = part.partition("=")
        if key == "streams":
            return unquote(value).split("/")
    return [""]


async def spot_raw(request: web.Request) -> web.StreamResponse:
    name = request.match_info.get("streams", "")
    exchange: Exchange = request.app["exchange"]
    delegate = exchange.user_stream_handler("spot", name)
    if delegate is not None:
        return await delegate(request, name)
    return await _serve(request, "spot", name.split("/"), combined=False)


async def spot_combined(request: web.Request) -> web.StreamResponse:
    return await _serve(request, "spot", _streams_query(request), combined=True)


async def futures_raw(request: web.Request) -> web.StreamResponse:
    name = request.match_info.get("streams", "")
    exchange: Exchange = request.app["exchange"]
    delegate = exchange.user_stream_handler("futures", name)
    if delegate is not None:
        return await delegate(request, name)
    return await _serve(request, "futures", name.split("/"), combined=False)


async def futures_combined(request: web.Request) -> web.StreamResponse:
    return await _serve(request, "futures", _streams_query(request), combined=True)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/ws", spot_raw)
    app.router.add_get("/ws/{streams:.+}", spot_raw)
    app.router.add_get("/stream", spot_combined)
    # Legacy USD-M root and the 2026 /public and /market categories; all of them deliver every stream.
    for prefix in ("/fstream", "/fstream/{category:public|market}"):
        app.router.add_get(f"{prefix}/ws", futures_raw)
        app.router.add_get(prefix + "/ws/{streams:.+}", futures_raw)
        app.router.add_get(f"{prefix}/stream", futures_combined)
