from __future__ import annotations

from django.urls import path

from apps.orders.api.futures import FuturesSettingsApi, LeverageApi, MarginTypeApi, PositionModeApi

urlpatterns = [
    path("settings/", FuturesSettingsApi.as_view(), name="futures-settings"),
    path("leverage/", LeverageApi.as_view(), name="futures-leverage"),
    path("margin-type/", MarginTypeApi.as_view(), name="futures-margin-type"),
    path("position-mode/", PositionModeApi.as_view(), name="futures-position-mode"),
]
