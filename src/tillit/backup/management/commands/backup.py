"""`tillit backup FILE`: the database and every stored document in one archive, encrypted with
BACKUP_KEY. See tillit/backup/services.py for what it holds and README for how to restore."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tillit.backup.services import BackupError, backup_create, configured_key, silent


class Command(BaseCommand):
    help = (
        "Write an encrypted archive of the database and every stored document to FILE, which "
        "must not exist (BACKUP_KEY encrypts it; `tillit restore FILE` reads it back)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Where to write the archive.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        started = time.monotonic()
        try:
            manifest = backup_create(
                path=path,
                key=configured_key(),
                report=self.stdout.write if options["verbosity"] > 1 else silent,
            )
        except (BackupError, OSError) as exc:
            raise CommandError(f"No backup written: {exc}") from None
        audit = manifest.audit
        chain = (
            f"audit chain intact, {audit['events']} events, head {audit['head']}"
            if audit["broken_at"] is None
            else f"AUDIT CHAIN BROKEN at event {audit['broken_at']} (backed up as it is)"
        )
        self.stdout.write(
            f"{path}: {manifest.rows} rows of {len(manifest.counts)} tables, "
            f"{len(manifest.files)} documents ({manifest.file_bytes} bytes); "
            f"{path.stat().st_size} bytes in {time.monotonic() - started:.1f} s; {chain}"
        )
