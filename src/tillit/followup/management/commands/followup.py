from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tillit.followup import reminders


class Command(BaseCommand):
    help = (
        "Follow-up: `run` decides today's reminders and sends the digests now (not via a worker)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="Run the daily pass now.")
        run.add_argument("--date", help="Pretend it is this day (YYYY-MM-DD); default today.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"Not a date (YYYY-MM-DD): {options['date']}") from None
        record = reminders.run(today)
        self.stdout.write(
            f"{today}: {record.reminders} new reminders, {record.digests_sent} digests sent, "
            f"{record.digests_failed} failed (retried on the next run)"
        )
        if record.digests_failed:
            raise SystemExit(1)
