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
        # The head hash is worth keeping outside the database: only it reveals rows removed
        # from the very end of the chain.
        self.stdout.write(f"OK: {result.checked} audit events, chain intact, head {result.head}")
