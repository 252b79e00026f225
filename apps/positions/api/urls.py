"""Routes of the positions API, mounted at /api/ (each path names its own resource)."""

from __future__ import annotations

from django.urls import path

from apps.positions.api.views import (
    BalanceListApi,
    EquityApi,
    HistoryImportApi,
    IncomeListApi,
    PortfolioApi,
    PositionListApi,
    PositionReconcileApi,
    TradeListApi,
)

urlpatterns = [
    path("portfolio/", PortfolioApi.as_view(), name="portfolio"),
    path("balances/", BalanceListApi.as_view(), name="balance-list"),
    path("positions/", PositionListApi.as_view(), name="position-list"),
    path("positions/reconcile/", PositionReconcileApi.as_view(), name="position-reconcile"),
    path("trades/", TradeListApi.as_view(), name="trade-list"),
    path("income/", IncomeListApi.as_view(), name="income-list"),
    path("equity/", EquityApi.as_view(), name="equity"),
    path("history/import/", HistoryImportApi.as_view(), name="history-import"),
]
