from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "apps.monitoring"
    verbose_name = "Monitoring and audit"

    def ready(self) -> None:
        from apps.monitoring import health

        health.register_default_checks()
