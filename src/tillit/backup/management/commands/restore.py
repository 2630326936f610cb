"""`tillit restore FILE`: bring back what `tillit backup` archived, into a new, empty instance
(migrated by the same version of Tillit, with the same DOCUMENT_KEYS). All or nothing."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tillit.backup.crypto import ArchiveError
from tillit.backup.services import BackupError, RestoreError, backup_restore, configured_key, silent


class Command(BaseCommand):
    help = (
        "Restore an archive written by `tillit backup` into an empty database and document "
        "storage (BACKUP_KEY decrypts it). Nothing is restored unless everything is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The archive.")
        parser.add_argument(
            "--skip-document-check",
            action="store_true",
            help="Restore even if documents cannot be decrypted with this instance's "
            "DOCUMENT_KEYS (they stay unreadable until the right keys are configured).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        started = time.monotonic()
        try:
            restored = backup_restore(
                path=path,
                key=configured_key(),
                check_documents=not options["skip_document_check"],
                report=self.stdout.write if options["verbosity"] > 1 else silent,
            )
        except (ArchiveError, RestoreError, BackupError, OSError) as exc:
            raise CommandError(f"Nothing restored: {exc}") from None
        manifest = restored.manifest
        self.stdout.write(
            f"Restored {manifest.rows} rows of {len(manifest.counts)} tables and "
            f"{len(manifest.files)} documents from {path} in "
            f"{time.monotonic() - started:.1f} s; {restored.audit}"
        )
