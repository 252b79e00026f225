from django.apps import AppConfig


class MarketDataConfig(AppConfig):
    name = "apps.marketdata"
    verbose_name = "Market data"

    def ready(self) -> None:
        from apps.marketdata.health import check_market_data
        from apps.monitoring import health

        health.register_check("market_data", check_market_data)
