"""Import trades and income from the exchange (at start, by hand), resuming where the last run ended."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date, parse_datetime

from apps.exchange.domain.errors import ExchangeError

if TYPE_CHECKING:
    from argparse import ArgumentParser


def _since(value: str) -> datetime:
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(
                f"--since {value!r}: use a date (2026-01-31) or an ISO time (2026-01-31T12:00:00Z)"
            )
        moment = datetime(day.year, day.month, day.day)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = (
        "Import trades (spot myTrades, USD-M userTrades, including trades of orders placed outside the "
        "platform) and USD-M income since --since (default: where the last import stopped, else 30 days "
        "back). Running it again adds nothing twice. --enqueue hands the work to the Celery worker."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--since", help="date or ISO time (UTC unless it says otherwise)")
        parser.add_argument("--market", choices=["SPOT", "USDM"], help="only this market (default: both)")
        parser.add_argument("--symbol", action="append", help="only this symbol (repeatable)")
        parser.add_argument("--enqueue", action="store_true", help="run in the worker instead of here")

    def handle(self, *args: Any, **options: Any) -> None:
        since = _since(options["since"]) if options["since"] else None
        markets = [options["market"]] if options["market"] else ["SPOT", "USDM"]
        if options["enqueue"]:
            from apps.positions.tasks import history_import_task

            result = history_import_task.delay(markets=markets, since=since.isoformat() if since else None)
            self.stdout.write(f"History import of {', '.join(markets)} queued (task {result.id}).")
            return
        from apps.positions.services import history_import

        failures: list[str] = []
        for market in markets:
            try:
                report = history_import(market=market, since=since, symbols=options["symbol"])
            except ExchangeError as exc:
                failures.append(f"{market}: {' '.join(str(exc).split())}")
                continue
            self.stdout.write(json.dumps(report.as_dict()))
        if failures:
            raise CommandError(f"History import failed: {'; '.join(failures)}")
