from django.apps import AppConfig


class MarketDataConfig(AppConfig):
    name = "apps.marketdata"
    verbose_name = "Market data"

    def ready(self) -> None:
        from apps.marketdata.health import check_market_data
        from apps.monitoring import health

        health.register_check("market_data", check_market_data)
        # The risk monitor's stale-market-data trigger judges open positions by these ages.
        from apps.marketdata.health import latest_update_age_s
        from apps.risk.marketdata import set_market_data_source

        set_market_data_source(latest_update_age_s)
