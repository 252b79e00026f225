from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "apps.common"
    verbose_name = "Common"

    def ready(self) -> None:
        from apps.common import celery_context

        celery_context.connect()
