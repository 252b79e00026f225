"""Futures user data streams: listenKey lifecycle and the WebSocket endpoints that deliver events."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSCloseCode, web

from simulator.errors import BinanceError
from simulator.futures.api.common import enter, ok, runtime, translate
from simulator.wsutil import WsSession, serve_ws

if TYPE_CHECKING:
    from simulator.exchange import Exchange

VALIDITY_MS = 60 * 60 * 1000


def missing_key() -> BinanceError:
    return BinanceError(
        -1125, "This listenKey does not exist. Please use `POST /fapi/v1/listenKey` to recreate `listenKey`"
    )


@dataclass
class Subscription:
    session: WsSession
    events: frozenset[str] | None  # None = every event type
    wrap: bool  # /private/stream form wraps each event as {"stream": <listenKey>, "data": ...}


@dataclass
class ListenKey:
    key: str
    account_id: str
    expires_ms: int
    subs: list[Subscription] = field(default_factory=list)


class UserStreams:
    """listenKeys per account and their live subscriptions; engine events fan out from `deliver`."""

    def __init__(self, validity_ms: int = VALIDITY_MS) -> None:
        self.validity_ms = validity_ms
        self.keys: dict[str, ListenKey] = {}

    def create(self, account_id: str, now_ms: int) -> str:
        for lk in self.keys.values():
            if lk.account_id == account_id:
                # Binance hands out the same key while it is valid and extends it.
                lk.expires_ms = now_ms + self.validity_ms
                return lk.key
        key = secrets.token_urlsafe(48).replace("-", "a").replace("_", "b")[:64]
        self.keys[key] = ListenKey(key, account_id, now_ms + self.validity_ms)
        return key

    def keepalive(self, account_id: str, key: str | None, now_ms: int) -> str:
        lk = self._own(account_id, key)
        lk.expires_ms = now_ms + self.validity_ms
        return lk.key

    def close(self, account_id: str, key: str | None) -> None:
        lk = self._own(account_id, key)
        for sub in lk.subs:
            sub.session.close(WSCloseCode.GOING_AWAY, "listenKey closed")
        del self.keys[lk.key]

    def _own(self, account_id: str, key: str | None) -> ListenKey:
        if key is None:
            key = next((k for k, v in self.keys.items() if v.account_id == account_id), None)
        lk = self.keys.get(key or "")
        if lk is None or lk.account_id != account_id:
            raise missing_key()
        return lk

    def is_key(self, name: str) -> bool:
        return name in self.keys

    def deliver(self, account_id: str, event: dict[str, Any]) -> None:
        for lk in self.keys.values():
            if lk.account_id != account_id:
                continue
            for sub in list(lk.subs):
                if sub.events is not None and event.get("e") not in sub.events:
                    continue
                sub.session.send_json({"stream": lk.key, "data": event} if sub.wrap else event)

    def expire(self, now_ms: int) -> None:
        for key, lk in list(self.keys.items()):
            if now_ms < lk.expires_ms:
                continue
            event = {"e": "listenKeyExpired", "E": now_ms, "listenKey": key}
            for sub in lk.subs:
                sub.session.send_json({"stream": key, "data": event} if sub.wrap else event)
                sub.session.close(WSCloseCode.GOING_AWAY, "listenKey expired")
            del self.keys[key]

    def dump(self) -> list[dict[str, Any]]:
        return [
            {"key": lk.key, "account_id": lk.account_id, "expires_ms": lk.expires_ms}
            for lk in self.keys.values()
        ]

    def load(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            key = str(row["key"])
            self.keys[key] = ListenKey(key, str(row["account_id"]), int(row["expires_ms"]))

    def reset(self) -> None:
        for lk in self.keys.values():
            for sub in lk.subs:
                sub.session.close(WSCloseCode.GOING_AWAY, "reset")
        self.keys.clear()


# -- REST -------------------------------------------------------------------------------------------
@translate
async def post_listen_key(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "USER_STREAM", 1)
    ctx.params.finish()
    return ok({"listenKey": ctx.rt.streams.create(ctx.account_id, ctx.rt.exchange.clock.now_ms())})


@translate
async def put_listen_key(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "USER_STREAM", 1)
    key = ctx.params.str("listenKey", required=False)
    ctx.params.finish()
    return ok({"listenKey": ctx.rt.streams.keepalive(ctx.account_id, key, ctx.rt.exchange.clock.now_ms())})


@translate
async def delete_listen_key(request: web.Request) -> web.StreamResponse:
    ctx = await enter(request, "USER_STREAM", 1)
    key = ctx.params.str("listenKey", required=False)
    ctx.params.finish()
    ctx.rt.streams.close(ctx.account_id, key)
    return ok({})


# -- WebSocket ----------------------------------------------------------------------------------------
def _events_filter(request: web.Request) -> frozenset[str] | None:
    raw = request.query.get("events")
    if not raw:
        return None
    return frozenset(e for e in raw.replace(",", "/").split("/") if e)


async def _serve(request: web.Request, keys: list[str], *, wrap: bool) -> web.StreamResponse:
    rt = runtime(request)
    exchange: Exchange = rt.exchange
    streams = rt.streams
    events = _events_filter(request)
    if not keys or any(not streams.is_key(k) for k in keys):
        # Binance accepts the upgrade and then closes: an unknown key never delivers anything.
        async def reject(session: WsSession) -> None:
            session.close(WSCloseCode.POLICY_VIOLATION, "Invalid listenKey")

        return await serve_ws(request, exchange, "futures", _ignore, on_open=reject)
    subs: list[tuple[str, Subscription]] = []

    def on_open(session: WsSession) -> None:
        for key in keys:
            sub = Subscription(session, events, wrap)
            streams.keys[key].subs.append(sub)
            subs.append((key, sub))

    def on_close(_session: WsSession) -> None:
        for key, sub in subs:
            lk = streams.keys.get(key)
            if lk is not None and sub in lk.subs:
                lk.subs.remove(sub)

    return await serve_ws(request, exchange, "futures", _ignore, on_open=on_open, on_close=on_close)


async def _ignore(_session: WsSession, _text: str) -> None:
    # User streams are push-only; Binance ignores client text frames here.
    return None


async def private_ws_path(request: web.Request) -> web.StreamResponse:
    return await _serve(request, [request.match_info["key"]], wrap=False)


async def private_ws_query(request: web.Request) -> web.StreamResponse:
    return await _serve(request, request.query.getall("listenKey", []), wrap=False)


async def private_stream(request: web.Request) -> web.StreamResponse:
    return await _serve(request, request.query.getall("listenKey", []), wrap=True)


async def legacy_ws(request: web.Request, key: str) -> web.StreamResponse:
    """Core's `/fstream/ws/<name>` delegates here when <name> is one of our listenKeys."""
    return await _serve(request, [key], wrap=False)
