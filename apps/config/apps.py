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
        # Raising a symbol's leverage above the risk limit is refused before the exchange is asked.
        from apps.config.pretrade import leverage_ceiling
        from apps.orders.futures_settings import leverage_ceilings

        if leverage_ceiling not in leverage_ceilings:
            leverage_ceilings.append(leverage_ceiling)
