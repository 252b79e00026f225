"""URL wiring: API, admin, health, API docs and the SPA (client routes fall back to index.html)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.monitoring.api.metrics import metrics_view
from apps.monitoring.api.views import healthz, readyz
from apps.spa.views import spa_index

admin.site.site_header = "Trader back office"
admin.site.site_title = "Trader admin"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/auth/", include("apps.users.api.urls")),
    path("api/exchange/", include("apps.exchange.api.urls")),
    path("api/symbols/", include("apps.symbols.api.urls")),
    path("api/orders/", include("apps.orders.api.urls")),
    path("api/futures/", include("apps.orders.api.futures_urls")),
    # portfolio/, balances/, positions/, trades/, income/, equity/, history/import/
    path("api/", include("apps.positions.api.urls")),
    # config/risk-limits/, config/trading/ (+ versions/), risk/usage/, preferences/
    path("api/", include("apps.config.api.urls")),
    path("api/streams/", include("apps.streams.api.urls")),
    # alerts/, alert-rules/, notification-channels/, status/, task-runs/
    path("api/", include("apps.monitoring.api.urls")),
    path("api/market/", include("apps.marketdata.api.urls")),
    path("api/risk/", include("apps.risk.api.urls")),
    path("api/kill-switch/", include("apps.risk.api.kill_switch_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Everything that is not the API, admin, static files or health is a client-side route of the SPA.
    re_path(r"^(?!api/|admin/|static/|ws/|healthz|readyz|metrics)(?P<route>.*)$", spa_index, name="spa"),
]

handler404 = "apps.common.errors.not_found"
handler500 = "apps.common.errors.server_error"
