"""Prometheus metrics of the platform (issue #9): definitions, observation helpers, scrape-time collectors.

- `definitions`: order path, user streams, WebSocket clients, reconciliation metrics.
- `orders`: order-path observations called from apps.orders.
- `collectors`: Celery queues, trading state and kill switch, user streams, exchange limiter/breakers.
- `registry.render_metrics()`: what /metrics (apps.monitoring.api.metrics) serves.
- `multiproc`: PROMETHEUS_MULTIPROC_DIR preparation and dead-process cleanup.

Exchange-call metrics stay next to the gateway in apps.exchange.metrics; market data in apps.marketdata.
"""
