from __future__ import annotations

from django.urls import path

from apps.symbols.api.views import SymbolDetailApi, SymbolListApi

urlpatterns = [
    path("", SymbolListApi.as_view(), name="symbol-list"),
    path("<str:market>/<str:symbol>/", SymbolDetailApi.as_view(), name="symbol-detail"),
]
