"""`/ws/account/`: the authenticated user's private account events (orders, fills, balances, positions).

Dumb by design: authenticate and check the role on connect, re-check on every message, join the user's
own group, forward what services published. A client keeps the last `seq` it saw; a gap (or a reconnect)
means "refetch over REST", and `{"action": "resync"}` answers the current number to start from.
"""

from __future__ import annotations

import asyncio
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from apps.monitoring.metrics.definitions import WS_CLIENTS
from apps.realtime.publish import current_sequence, group_name
from apps.users.roles import user_roles

# 4000-4999 are free for applications; the numbers mirror HTTP's 401 and 403.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


@database_sync_to_async
def _roles(user: Any) -> list[str]:
    # Re-read from the database: a role removed while the socket is open must take effect.
    user.refresh_from_db(fields=["is_active"])
    return list(user_roles(user))


class AccountConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None
    counted = False  # this socket is in the trader_ws_clients gauge

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if not await _roles(user):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = group_name(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        self.counted = True
        WS_CLIENTS.labels("/ws/account/").inc()
        await self.send_json({"type": "hello", "seq": await self._sequence()})

    async def disconnect(self, code: int) -> None:
        if self.counted:
            self.counted = False
            WS_CLIENTS.labels("/ws/account/").dec()
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def _allowed(self) -> bool:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return False
        if not await _roles(user):
            await self.close(code=CLOSE_FORBIDDEN)
            return False
        return True

    async def _sequence(self) -> int:
        return await asyncio.to_thread(current_sequence, self.scope["user"].pk)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not await self._allowed():
            return
        if isinstance(content, dict) and content.get("type") == "ping":
            # The dashboard's heartbeat: a silent socket is declared dead and reopened.
            await self.send_json({"type": "pong"})
        elif isinstance(content, dict) and content.get("action") == "resync":
            await self.send_json({"type": "resync", "seq": await self._sequence()})
        else:
            await self.send_json({"type": "error", "message": 'unknown message; send {"action": "resync"}'})

    async def account_event(self, message: dict[str, Any]) -> None:
        if not await self._allowed():
            return
        await self.send_json(
            {"type": "event", "kind": message["kind"], "seq": message["seq"], "payload": message["payload"]}
        )
