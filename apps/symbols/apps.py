from django.apps import AppConfig


class SymbolsConfig(AppConfig):
    name = "apps.symbols"
    verbose_name = "Symbols and exchange filters"
