from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "apps.risk"
    verbose_name = "Risk: trading state, kill switch, triggers, dead-man switch"

    def ready(self) -> None:
        # Every order path meets the trading state (stored rows only, no network in the request).
        from apps.monitoring import health
        from apps.orders.pretrade import pretrade_checks
        from apps.risk.deadman import check_deadman
        from apps.risk.pretrade import trading_state_check

        if trading_state_check not in pretrade_checks:
            # First: a halted market refuses before the heavier balance and limit checks run.
            pretrade_checks.insert(0, trading_state_check)
        health.register_check("deadman", check_deadman)
