from django.apps import AppConfig


class StreamsConfig(AppConfig):
    name = "apps.streams"
    verbose_name = "User data streams"

    def ready(self) -> None:
        from apps.monitoring import health
        from apps.streams.health import check_user_streams

        health.register_check("user_streams", check_user_streams)
