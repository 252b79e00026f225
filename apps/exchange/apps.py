from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "apps.exchange"
    verbose_name = "Exchange access"

    def ready(self) -> None:
        from apps.exchange.readiness import check_exchange
        from apps.monitoring import health

        health.register_check("exchange", check_exchange)
