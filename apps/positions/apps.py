from django.apps import AppConfig


class PositionsConfig(AppConfig):
    name = "apps.positions"
    verbose_name = "Balances, positions, P&L and history"

    def ready(self) -> None:
        # The balance/margin check every new order passes before it is saved (no network: stored rows only).
        from apps.orders.pretrade import pretrade_checks
        from apps.positions.pretrade import balance_and_margin_check

        if balance_and_margin_check not in pretrade_checks:
            pretrade_checks.append(balance_and_margin_check)
