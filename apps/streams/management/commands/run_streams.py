"""`manage.py run_streams`: the streams process (user data streams of every market with an active key).

SIGTERM or SIGINT stops it cleanly: streams are cancelled, open connections closed, the health keys
withdrawn, and the process exits 0.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.streams.conf import streams_config
from apps.streams.supervisor import MARKETS, Supervisor

logger = logging.getLogger("apps.streams")


class Command(BaseCommand):
    help = "Run the user data streams (spot WS API subscription, USD-M listenKey) until SIGTERM."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--market",
            action="append",
            choices=MARKETS,
            help="only this market (repeatable; default: every market with an active credential)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        markets = tuple(options["market"] or MARKETS)
        asyncio.run(self._main(markets))

    async def _main(self, markets: tuple[str, ...]) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        supervisor = Supervisor(config=streams_config(), markets=markets)
        from apps.marketdata.conf import marketdata_config

        md_config = marketdata_config()
        if not md_config.enabled:
            await supervisor.run(stop)
            return
        # Market data (apps/marketdata) runs next to the user streams in the same process and loop.
        from apps.marketdata.supervisor import MarketDataSupervisor

        market_data = MarketDataSupervisor(config=md_config)
        await asyncio.gather(supervisor.run(stop), market_data.run(stop))
