"""Publishing normalized messages: latest value in Redis (`md:last:<stream>`, 1 h) and the channel layer
group `md.<stream>` (`{"type": "md.update", "message": ...}`)."""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING, Any

from apps.marketdata import metrics
from apps.marketdata.keys import group, last_key

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)


class Publisher:
    def __init__(self, redis: Redis, *, prefix: str, ttl_s: int, layer: Any = None) -> None:
        from channels.layers import get_channel_layer

        self.redis = redis
        self.prefix = prefix
        self.ttl_s = ttl_s
        self.layer = layer if layer is not None else get_channel_layer()
        self._failed_once = False

    async def publish(self, market: str, family: str, message: dict[str, Any]) -> None:
        stream = message["stream"]
        try:
            await self.redis.set(last_key(self.prefix, stream), json.dumps(message), ex=self.ttl_s)
            if self.layer is not None:
                await self.layer.group_send(group(stream), {"type": "md.update", "message": message})
        except Exception:  # Redis away: live data goes on being ingested; log the first failure only
            if not self._failed_once:
                logger.exception("marketdata: publishing failed (logged once until it works again)")
            self._failed_once = True
            metrics.DROPPED.labels(family, "publish_failed").inc()
            return
        self._failed_once = False
        metrics.PUBLISHED.labels(market, family).inc()
        metrics.LAG.labels(family).observe(max(0.0, time.time() - int(message["E"]) / 1000))
