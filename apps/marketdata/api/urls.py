"""/api/market/..."""

from __future__ import annotations

from django.urls import path

from apps.marketdata.api.views import KlinesApi, SnapshotApi

urlpatterns = [
    path("<str:market>/<str:symbol>/klines/", KlinesApi.as_view(), name="market-klines"),
    path("<str:market>/<str:symbol>/snapshot/", SnapshotApi.as_view(), name="market-snapshot"),
]
