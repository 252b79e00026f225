"""WebSocket routes. Each consumer authenticates on connect and checks roles itself."""

from __future__ import annotations

from django.urls import path

from apps.marketdata.consumers import MarketConsumer
from apps.monitoring.consumers import PingConsumer
from apps.realtime.consumers import AccountConsumer

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi()),
    path("ws/account/", AccountConsumer.as_asgi()),
    path("ws/market/", MarketConsumer.as_asgi()),
]
