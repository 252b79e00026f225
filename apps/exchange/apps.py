from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "apps.exchange"
    verbose_name = "Exchange access"

    def ready(self) -> None:
        from celery.signals import task_postrun

        from apps.exchange.readiness import check_exchange
        from apps.exchange.runtime import flush_call_log
        from apps.monitoring import health

        health.register_check("exchange", check_exchange)
        task_postrun.connect(flush_call_log, weak=False, dispatch_uid="exchange.flush_call_log")
