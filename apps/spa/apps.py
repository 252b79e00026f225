from django.apps import AppConfig


class SpaConfig(AppConfig):
    name = "apps.spa"
    verbose_name = "Single-page app"
