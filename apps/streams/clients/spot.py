"""Spot user data over the WebSocket API: `userDataStream.subscribe.signature` on the gateway's WS API URL.

Binance retired spot listenKeys on 2026-02-20; a signed subscription works for every key type without a
session logon. python-binance 1.0.37's `user_socket()` subscribes the same way, but its WS API connection
reconnects on its own without subscribing again and without telling its reader (and gives up after five
tries), so the moment a connection is new, which is when the resync must run, cannot be seen through it.
This thin client owns the connection; the signing stays python-binance's, through the gateway's client, so
no key material is handled here.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import aiohttp

from apps.streams.clients.base import StreamClosed, UserStream
from apps.streams.domain.parse import unwrap

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from apps.exchange.gateway.streams import AsyncGateway

METHOD = "userDataStream.subscribe.signature"


class SubscriptionRefused(Exception):
    """The WS API answered the subscription with an error (bad key or signature, -2035 already subscribed)."""

    def __init__(self, code: int | None, message: str) -> None:
        super().__init__(f"[{code}] {message}" if code is not None else message)
        self.code = code


def gateway_signer(gateway: AsyncGateway) -> Callable[[], Awaitable[dict[str, Any]]]:
    """Signed subscription params (apiKey, timestamp, signature) from the gateway's python-binance client.

    `socket_manager` loads the active credential and the exchange clock offset the way every call does.
    """

    async def sign() -> dict[str, Any]:
        manager = await gateway.socket_manager("spot")
        client = manager._client
        return dict(client._sign_ws_params({}, client._generate_ws_api_signature))

    return sign


class SpotUserStream(UserStream):
    def __init__(self, *, url: str, signer: Callable[[], Awaitable[dict[str, Any]]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.signer = signer
        self.subscription_id: int | None = None

    async def open(self, session: aiohttp.ClientSession) -> aiohttp.ClientWebSocketResponse:
        params = await self.signer()
        ws = await session.ws_connect(self.url, heartbeat=self.config.ping_s, autoping=True)
        try:
            request_id = uuid.uuid4().hex
            await ws.send_json({"id": request_id, "method": METHOD, "params": params})
            self.subscription_id = await self._answer(ws, request_id)
        except BaseException:
            await ws.close()
            raise
        return ws

    async def _answer(self, ws: aiohttp.ClientWebSocketResponse, request_id: str) -> int:
        # Nothing but the answer can come first: there is no subscription to deliver events for yet.
        async for message in ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            frame = json.loads(message.data, parse_float=Decimal)
            if frame.get("id") != request_id:
                continue
            if frame.get("status") != 200:
                error = frame.get("error") or {}
                raise SubscriptionRefused(error.get("code"), str(error.get("msg") or frame))
            return int(frame["result"]["subscriptionId"])
        raise StreamClosed(f"closed before the subscription was answered (code {ws.close_code})")

    def frame_event(self, frame: dict[str, Any]) -> dict[str, Any] | None:
        if "event" not in frame:
            return None  # answers to requests (none after the subscription) and anything else
        other = frame.get("subscriptionId") not in (None, self.subscription_id)
        if self.subscription_id is not None and other:
            return None
        return unwrap(frame)
