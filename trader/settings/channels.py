"""Channels: Redis channel layer shared by web and workers; in-memory only when asked (unit tests)."""

from __future__ import annotations

from typing import Any

from trader.settings.env import choice, env

ASGI_APPLICATION = "trader.asgi.application"

_backend = choice("TRADER_CHANNEL_LAYER", ("redis", "memory"), "redis")
CHANNEL_LAYERS: dict[str, Any]
if _backend == "memory":
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")],
                "prefix": "trader:asgi",
                "capacity": 1000,
                "expiry": 30,
            },
        }
    }
