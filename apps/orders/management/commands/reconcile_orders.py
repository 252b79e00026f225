"""manage.py reconcile_orders [--market SPOT|USDM] [--symbol BTCUSDT]: one reconciliation run, now."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.orders.reconcile import MARKETS, orders_reconcile


class Command(BaseCommand):
    help = "Compare the exchange's open orders with ours and fix each difference (as the 30 s beat does)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--market", choices=MARKETS, help="one market (default: both)")
        parser.add_argument("--symbol", help="one symbol, e.g. BTCUSDT (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        markets = [options["market"]] if options["market"] else list(MARKETS)
        for market in markets:
            report = orders_reconcile(market=market, symbol=options["symbol"])
            self.stdout.write(json.dumps(report.as_dict()))
