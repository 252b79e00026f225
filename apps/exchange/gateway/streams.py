"""Async access for the streams process: AsyncClient through the same pipeline, and socket managers.

REST calls (server time, listenKey start/keepalive/close, order book snapshots) pass the shared limiter,
breaker and metrics exactly like sync calls. The streams process (apps/streams, apps/marketdata) opens its
WebSockets itself on the configured URLs: python-binance 1.0.37's user socket reconnects without
re-subscribing, so a fresh connection (which must be followed by a REST resync) could not be told apart.
The spot user stream subscribes over the WebSocket API (`userDataStream.subscribe.signature`), signed by
python-binance through the gateway's client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from binance.ws.streams import BinanceSocketManager

from apps.exchange.domain import parse
from apps.exchange.gateway.pipeline import off_loop

if TYPE_CHECKING:
    from apps.exchange.domain.types import OrderBook
    from apps.exchange.domain.weights import Market
    from apps.exchange.runtime import Runtime


class AsyncGateway:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.p = rt.pipeline

    async def server_time(self, market: Market) -> int:
        return int((await self.p.acall(f"{market}.time"))["serverTime"])

    async def order_book(self, market: Market, symbol: str, *, limit: int = 1000) -> OrderBook:
        return parse.order_book(
            symbol, await self.p.acall(f"{market}.depth", {"symbol": symbol, "limit": str(limit)})
        )

    async def futures_listen_key_start(self) -> str:
        return str((await self.p.acall("futures.listen_key.start"))["listenKey"])

    async def futures_listen_key_keepalive(self, listen_key: str) -> None:
        await self.p.acall("futures.listen_key.keepalive", {"listenKey": listen_key})

    async def futures_listen_key_close(self, listen_key: str) -> None:
        await self.p.acall("futures.listen_key.close", {"listenKey": listen_key})

    async def socket_manager(self, market: Market, *, with_credential: bool = True) -> BinanceSocketManager:
        """A BinanceSocketManager for market streams (and user streams when `with_credential`)."""
        import asyncio

        transport = self.p.async_transport
        assert transport is not None
        credential = None
        if with_credential:
            generation = int(
                await asyncio.to_thread(self.rt.redis.get, self.rt.limiter.generation_key(market)) or 0
            )
            credential = await asyncio.to_thread(off_loop, self.rt.credentials.get, market, generation)
        client = await transport.client(credential)
        client.timestamp_offset = self.rt.timesync.offset_ms
        manager = BinanceSocketManager(client)
        manager.STREAM_URL = self.rt.urls.stream
        manager.FSTREAM_URL = self.rt.urls.fstream
        return manager

    async def close(self) -> None:
        if self.p.async_transport is not None:
            await self.p.async_transport.close()
