from __future__ import annotations

from django.urls import path

from apps.risk.api.views import DeadmanApi, RiskAlertListApi, TradingStateApi

urlpatterns = [
    path("state/", TradingStateApi.as_view(), name="risk-state"),
    path("alerts/", RiskAlertListApi.as_view(), name="risk-alerts"),
    path("deadman/", DeadmanApi.as_view(), name="risk-deadman"),
]
