from __future__ import annotations

from django.urls import path

from apps.orders.api.reconcile import OrderReconcileApi
from apps.orders.api.views import OrderCancelAllApi, OrderCancelApi, OrderDetailApi, OrderListPlaceApi

urlpatterns = [
    path("", OrderListPlaceApi.as_view(), name="order-list"),
    path("cancel-all/", OrderCancelAllApi.as_view(), name="order-cancel-all"),
    path("reconcile/", OrderReconcileApi.as_view(), name="order-reconcile"),
    path("<int:order_id>/", OrderDetailApi.as_view(), name="order-detail"),
    path("<int:order_id>/cancel/", OrderCancelApi.as_view(), name="order-cancel"),
]
