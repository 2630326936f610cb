"""`tillit documents rotate-keys`: move every document to the newest key in DOCUMENT_KEYS.

To rotate: put a new key first in DOCUMENT_KEYS, keeping the old ones, and restart every web
process and worker, so that all of them can read files under the new key; then run this command.
When it reports that no document is under another key any more, the old keys can be removed.

Each document is re-encrypted on its own, safely against a stop at any moment (see
services.document_reencrypt); the documents are taken in batches of ids, so the run neither
holds them all in memory nor one long transaction. The command may be run again at any time:
documents already under the newest key are left alone, so after an interruption it simply
carries on. Every re-encrypted document leaves an audit event (document.reencrypt) in its
organisation's log.

The second-factor secrets, encrypted under the same keys (accounts/mfa.py), are moved to the
newest key too, each authenticator in its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tillit.accounts.mfa import authenticators_reencrypt
from tillit.documents import storage
from tillit.documents.models import Document
from tillit.documents.services import document_reencrypt
from tillit.documents.storage import DocumentIntegrityError


class Command(BaseCommand):
    help = (
        "Encrypted documents. 'tillit documents rotate-keys' re-encrypts every document and "
        "second-factor secret that is not under the newest key in DOCUMENT_KEYS, so that older "
        "keys can be removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        rotating = actions.add_parser(
            "rotate-keys", help="Re-encrypt documents under the newest key; safe to repeat."
        )
        rotating.add_argument(
            "--batch-size", type=int, default=100, help="Documents per batch (default 100)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            secrets = authenticators_reencrypt()
        except DocumentIntegrityError as exc:
            raise CommandError(f"a second-factor secret could not be read: {exc}") from None
        self.stdout.write(f"{secrets} second-factor secrets re-encrypted")
        self._rotate(options["batch_size"])

    def _rotate(self, batch_size: int) -> None:
        newest = storage.newest_key_id()
        reencrypted, unchanged = 0, 0
        failed: list[str] = []
        for document_id in _pending(newest, batch_size):
            try:
                if document_reencrypt(document_id=document_id):
                    reencrypted += 1
                else:
                    unchanged += 1  # done meanwhile by another run, or deleted
            except (DocumentIntegrityError, OSError) as exc:
                failed.append(f"{document_id}: {exc}")
        self.stdout.write(f"newest key {newest}: {reencrypted} documents re-encrypted")
        if unchanged:
            self.stdout.write(f"{unchanged} documents were re-encrypted or deleted meanwhile")
        if failed:
            raise CommandError(
                f"{len(failed)} documents could not be read and were left as they were:\n"
                + "\n".join(failed)
            )
        if Document.objects.exclude(key_id=newest).exists():
            self.stdout.write("documents under other keys remain: run the command again")
        else:
            self.stdout.write(f"every document is under key {newest}: older keys can be removed")


def _pending(newest: str, batch_size: int) -> Iterator[UUID]:
    """Ids of documents not under the newest key, a batch at a time, in id order (those that
    fail stay behind, so the next batch starts after the last id rather than at the top)."""
    after: UUID | None = None
    while True:
        found = Document.objects.exclude(key_id=newest).order_by("pk")
        if after is not None:
            found = found.filter(pk__gt=after)
        batch = list(found.values_list("pk", flat=True)[:batch_size])
        yield from batch
        if len(batch) < batch_size:
            return
        after = batch[-1]
