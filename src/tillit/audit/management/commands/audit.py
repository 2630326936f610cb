from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tillit.audit.chain import verify_chain


class Command(BaseCommand):
    help = "Work with the audit log. 'tillit audit verify' checks the hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                f"Audit chain broken at event {result.broken_at} "
                f"(after {result.checked} intact events): {result.reason}"
            )
        self.stdout.write(f"OK: {result.checked} audit events, chain intact")
