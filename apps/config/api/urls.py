"""Routes of the config API, mounted at /api/ (each path names its own resource)."""

from __future__ import annotations

from django.urls import path

from apps.config.api.views import (
    PreferenceApi,
    RiskLimitsApi,
    RiskLimitsVersionsApi,
    RiskUsageApi,
    TradingConfigApi,
    TradingConfigVersionsApi,
)

urlpatterns = [
    path("config/risk-limits/", RiskLimitsApi.as_view(), name="config-risk-limits"),
    path("config/risk-limits/versions/", RiskLimitsVersionsApi.as_view(), name="config-risk-limits-versions"),
    path("config/trading/", TradingConfigApi.as_view(), name="config-trading"),
    path("config/trading/versions/", TradingConfigVersionsApi.as_view(), name="config-trading-versions"),
    path("risk/usage/", RiskUsageApi.as_view(), name="risk-usage"),
    path("preferences/", PreferenceApi.as_view(), name="preferences"),
]
