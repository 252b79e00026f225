from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "apps.monitoring"
    verbose_name = "Monitoring and audit"

    def ready(self) -> None:
        from apps.monitoring import health
        from apps.monitoring.metrics.multiproc import connect_signals as connect_metrics_signals
        from apps.monitoring.taskruns.signals import connect as connect_taskrun_signals

        health.register_default_checks()
        connect_metrics_signals()  # metrics: drop live gauges of exited Celery pool children
        connect_taskrun_signals()  # task runs: a TaskRun row and task metrics per Celery task
