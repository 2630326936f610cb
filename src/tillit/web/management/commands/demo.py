from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tillit.web.demo import DEMO_PASSWORD, demo_load, demo_reset


class Command(BaseCommand):
    help = "Load the demo organisations and users (idempotent). --reset starts over."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Delete the demo data first.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            demo_reset()
        logins, portal_links = demo_load()
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email in logins:
            self.stdout.write(f"  {email}")
        if portal_links:
            self.stdout.write(
                "Supplier portal links (the one-time code is printed by the worker's console mail):"
            )
            for line in portal_links:
                self.stdout.write(f"  {line}")
