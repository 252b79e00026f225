from django.apps import AppConfig


class ConfigConfig(AppConfig):
    name = "apps.config"
    verbose_name = "Risk limits, trading config and preferences"

    def ready(self) -> None:
        # The risk-limit check every new order passes before it is saved (stored rows only, no network).
        from apps.config.pretrade import risk_limits_check
        from apps.orders.pretrade import pretrade_checks

        if risk_limits_check not in pretrade_checks:
            pretrade_checks.append(risk_limits_check)
