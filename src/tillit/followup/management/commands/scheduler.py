from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tillit.followup.tasks import tick


class Command(BaseCommand):
    help = (
        "Enqueue the follow-up tick for the workers every few minutes (the daily reminders and "
        "retries of failed mail). Run one next to the workers; more than one does no harm."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=int, default=900, help="Seconds between ticks.")
        parser.add_argument("--once", action="store_true", help="Enqueue one tick and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["interval"] < 10:
            self.stderr.write("--interval must be at least 10 seconds")
            raise SystemExit(2)
        while True:
            result = tick.enqueue()
            self.stdout.write(f"Enqueued follow-up tick {result.id}")
            if options["once"]:
                return
            time.sleep(options["interval"])
