"""`manage.py streams_status`: what the streams process last reported; exit 1 when it is not healthy.

Used as the streams container's health check: a stream down beyond TRADER_STREAMS_DOWN_AFTER_S, or no
streams process reporting at all, fails it.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.streams.conf import streams_config
from apps.streams.health import streams_status


class Command(BaseCommand):
    help = "Print the user streams' health as JSON; exit status 1 when a stream is down or none report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="print nothing; only the exit status")

    def handle(self, *args: Any, **options: Any) -> None:
        config = streams_config()
        status = streams_status()
        body = status.as_dict(down_after_s=config.down_after_s)
        if not options["quiet"]:
            self.stdout.write(json.dumps(body, indent=2, default=str))
        if not status.running:
            raise CommandError("no streams process is reporting")
        problems = status.problems(down_after_s=config.down_after_s)
        if problems:
            raise CommandError("; ".join(problems))
