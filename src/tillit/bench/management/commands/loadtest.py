from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tillit.bench.load import run


class Command(BaseCommand):
    help = (
        "Load the demo data into the configured database, serve it with gunicorn on loopback "
        "and let simulated staff and supplier contacts use it for a fixed time; fails on any "
        "response but a 200. `make loadtest` runs it on a temporary instance. "
        "See docs/benchmarks.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=20, help="Simulated people (20).")
        parser.add_argument("--seconds", type=float, default=30, help="How long (30).")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4).")
        parser.add_argument(
            "--portal-share",
            type=float,
            default=0.25,
            help="The share of the people who are supplier contacts in the portal (0.25).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # It writes the demo data and test links into the database it is given.
        if not settings.TILLIT_DEMO:
            raise CommandError("Run the load test in demo mode (TILLIT_DEMO=1): make loadtest.")
        if options["users"] < 1 or options["seconds"] <= 0 or options["workers"] < 1:
            raise CommandError("--users, --seconds and --workers must be positive.")
        text, errors = run(
            users=options["users"],
            seconds=options["seconds"],
            workers=options["workers"],
            portal_share=options["portal_share"],
        )
        self.stdout.write(text)
        if errors:
            raise CommandError(f"{errors} requests failed")
