"""Refresh the stored symbols from the exchange's exchangeInfo now (at start, and by hand)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError

from apps.exchange.domain.errors import ExchangeError
from apps.exchange.runtime import runtime
from apps.symbols.domain.exchange_info import MARKETS, ExchangeInfoError
from apps.symbols.services import symbol_refresh

if TYPE_CHECKING:
    from argparse import ArgumentParser


class Command(BaseCommand):
    help = (
        "Read Binance exchangeInfo (spot and USD-M futures, or one --market) and apply it to the stored "
        "symbols as a diff. Exits 1 with the reason when the exchange cannot be read; beat retries hourly."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--market", choices=MARKETS, help="only this market (default: both)")

    def handle(self, *args: Any, **options: Any) -> None:
        markets = [options["market"]] if options["market"] else list(MARKETS)
        failures: list[str] = []
        for market in markets:
            try:
                result = symbol_refresh(market=market)
            except (ExchangeError, ExchangeInfoError) as exc:
                failures.append(f"{market}: {' '.join(str(exc).split())}")
                continue
            self.stdout.write(self.style.SUCCESS(f"Symbols synced. {result.summary()}"))
        if failures:
            # One line, so a supervisor's log shows the whole reason; the other market is already saved.
            where = runtime().urls.api
            raise CommandError(f"Could not sync symbols from the exchange at {where}: {'; '.join(failures)}")
