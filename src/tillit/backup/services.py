"""Back up the whole instance into one encrypted archive, and restore it into an empty one.

A backup reads the database in one transaction (on PostgreSQL a repeatable-read snapshot, so
writers carry on; on SQLite writers wait until it is done) and copies every document's stored
file as it is, still encrypted under DOCUMENT_KEYS. What it leaves out, and why, is in
scope.SKIPPED.

A restore first reads the whole archive and checks it (key, every chunk, the manifest) and the
instance (the same migrations; no rows; no other file under the archive's file names), and only
then writes, in one transaction: the rows as they were, ids, hashes and times included, then
the files. Before it commits it checks the row counts against the manifest, the foreign keys,
the audit chain against what the backup found, and that every document can be read with this
instance's DOCUMENT_KEYS. Any failure rolls it all back and removes the files it wrote.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from tillit.audit.chain import verify_chain
from tillit.backup import serialization
from tillit.backup.archive import ArchiveWriter, Contents, Manifest
from tillit.backup.crypto import ArchiveError
from tillit.backup.scope import SKIPPED, backed_up_models, label, link_fields, link_model
from tillit.documents import storage
from tillit.documents.keys import NEW_KEY_COMMAND, decode_key
from tillit.documents.models import Document
from tillit.documents.services import document_content
from tillit.documents.storage import DocumentIntegrityError

BATCH = 1000
Report = Callable[[str], None]


def silent(line: str) -> None:
    """A Report that says nothing."""


class BackupError(Exception):
    """The backup could not be made; no archive was written."""


class RestoreError(Exception):
    """The archive or the instance is not fit for a restore; nothing was written."""


def configured_key() -> bytes:
    """BACKUP_KEY, which both commands need (settings.py has checked its form)."""
    if not settings.BACKUP_KEY:
        raise BackupError(
            f"BACKUP_KEY (or BACKUP_KEY_FILE) must be set; make a key with: {NEW_KEY_COMMAND} "
            "and keep a copy away from the backups: without it they cannot be read"
        )
    key = decode_key(settings.BACKUP_KEY)
    # Every web process holds DOCUMENT_KEYS; the backups' key belongs elsewhere.
    if any(decode_key(document_key) == key for document_key in settings.DOCUMENT_KEYS):
        raise BackupError("BACKUP_KEY must not be one of the DOCUMENT_KEYS: make a key of its own")
    return key


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    audit: str  # what verify_chain says now


# -- Backup -----------------------------------------------------------------------------------


def backup_create(*, path: Path, key: bytes, report: Report = silent) -> Manifest:
    """Write the archive to path, which must not exist: to a temporary file beside it first,
    renamed into place only when complete."""
    if path.exists():
        raise BackupError(f"{path} exists: a backup never overwrites a file")
    descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as target:
            manifest = _write(ArchiveWriter(target, key), report)
            target.flush()
            os.fsync(target.fileno())
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return manifest


def _write(archive: ArchiveWriter, report: Report) -> Manifest:
    manifest = Manifest(skipped=dict(SKIPPED))
    with _snapshot():
        archive.header(
            {
                "created_at": timezone.now().isoformat(),
                "database": connection.vendor,
                "migrations": _migrations(),
            }
        )
        for position, model in enumerate(backed_up_models(), start=1):
            _write_rows(archive, position, model, manifest)
            report(f"{label(model)}: {manifest.counts[label(model)]} rows")
        for document in Document.objects.order_by("pk").iterator(chunk_size=BATCH):
            _write_file(archive, document, manifest)
        report(f"documents: {len(manifest.files)} files, {manifest.file_bytes} bytes")
        chain = verify_chain()
        manifest.audit = {"events": chain.checked, "head": chain.head, "broken_at": chain.broken_at}
    archive.finish(manifest)
    return manifest


@contextmanager
def _snapshot() -> Iterator[None]:
    """One transaction for the whole read, so that the archive is one moment of the database."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _write_rows(
    archive: ArchiveWriter, position: int, model: type[models.Model], manifest: Manifest
) -> None:
    links = link_fields(model)
    rows = model._base_manager.order_by("pk").prefetch_related(*(f.name for f in links))
    manifest.counts[label(model)] = 0
    for field in links:
        manifest.counts[label(link_model(field))] = 0
    for batch in _batches(rows.iterator(chunk_size=BATCH)):
        text = serialization.dump(batch)
        archive.rows(position, label(model), text)
        for name, number in serialization.count(text, model).items():
            manifest.counts[name] += number


def _write_file(archive: ArchiveWriter, document: Document, manifest: Manifest) -> None:
    name = document.storage_name
    try:
        with default_storage.open(name, "rb") as stored:
            content = stored.read()
    except FileNotFoundError:
        raise BackupError(
            f"document {document.pk} ({document.name}): its file {name} is not in the storage "
            "(if documents were being re-encrypted meanwhile, run the backup again)"
        ) from None
    archive.file(name, content)
    manifest.files[name] = {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}


def _batches(rows: Iterable[models.Model]) -> Iterator[list[models.Model]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _migrations() -> list[str]:
    applied = MigrationRecorder(connection).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


# -- Restore ----------------------------------------------------------------------------------


def backup_restore(
    *, path: Path, key: bytes, check_documents: bool = True, report: Report = silent
) -> Restored:
    manifest = _check_archive(path, key)
    report(f"archive intact: {manifest.rows} rows, {len(manifest.files)} files")
    _check_empty()
    present = _files_present(manifest)
    written: list[str] = []
    try:
        with transaction.atomic():
            _load(path, key, present, written)
            _check_loaded(manifest, check_documents)
            audit = _check_audit(manifest)
    except BaseException:
        for name in written:
            storage.delete(name)
        raise
    return Restored(manifest, audit)


def _check_archive(path: Path, key: bytes) -> Manifest:
    """Read the whole archive once, writing nothing: every chunk authenticated, every part as
    the manifest lists it, the migrations those of this instance."""
    with path.open("rb") as source:
        contents = Contents(source, key)
        _check_migrations(contents.header())
        for part in contents.parts():
            if part.kind == "rows":
                model = _model(part.name)
                try:
                    contents.count(serialization.count(part.content.decode(), model))
                except ValueError as exc:
                    raise ArchiveError(f"rows of {part.name} are not readable: {exc}") from None
        return contents.manifest()


def _check_migrations(header: dict[str, Any]) -> None:
    theirs, ours = set(header.get("migrations", [])), set(_migrations())
    if theirs == ours:
        return
    missing, extra = sorted(theirs - ours), sorted(ours - theirs)
    raise RestoreError(
        "the archive was made by another version of Tillit: restore it with the version that "
        "made it (then upgrade), into a database migrated by that version. "
        + (f"Not applied here: {', '.join(missing[:5])}. " if missing else "")
        + (f"Applied here only: {', '.join(extra[:5])}." if extra else "")
    )


def _model(name: str) -> type[models.Model]:
    try:
        return apps.get_model(name)
    except LookupError:
        raise ArchiveError(f"the archive holds rows of {name}, unknown here") from None


def _check_empty() -> None:
    found = [
        f"{model._base_manager.count()} {label(model)}"
        for model in backed_up_models()
        if model._base_manager.exists()
    ]
    if found:
        raise RestoreError(
            "the database is not empty (it holds "
            + ", ".join(found[:5])
            + (", …" if len(found) > 5 else "")
            + "): restore only into a new database after `tillit migrate`"
        )


def _files_present(manifest: Manifest) -> set[str]:
    """The archive's files already in the storage with the same content (left by a restore
    that was stopped): they are kept. Any other file under one of the names is refused."""
    present = set()
    for name, entry in manifest.files.items():
        if not storage.exists(name):
            continue
        with default_storage.open(name, "rb") as stored:
            if hashlib.sha256(stored.read()).hexdigest() != entry["sha256"]:
                raise RestoreError(
                    f"the document storage already holds another file named {name}: "
                    "restore only into an empty storage"
                )
        present.add(name)
    return present


def _load(path: Path, key: bytes, present: set[str], written: list[str]) -> None:
    with path.open("rb") as source:
        contents = Contents(source, key)
        contents.header()
        for part in contents.parts():
            if part.kind == "rows":
                contents.count(serialization.load(part.content.decode(), _model(part.name)))
            elif part.name not in present:
                saved = default_storage.save(part.name, ContentFile(part.content))
                written.append(saved)
                if saved != part.name:
                    raise RestoreError(f"the document storage would not take {part.name}")
        contents.manifest()
    # Ids were given, not drawn: move PostgreSQL's sequences past them (SQLite does so itself).
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), backed_up_models()):
            cursor.execute(statement)


def _check_loaded(manifest: Manifest, check_documents: bool) -> None:
    tables = [apps.get_model(name)._meta.db_table for name in manifest.counts]
    connection.check_constraints(table_names=tables)
    for name, expected in manifest.counts.items():
        found = apps.get_model(name)._base_manager.count()
        if found != expected:
            raise ArchiveError(f"{name}: {found} rows restored, the manifest lists {expected}")
    documents = Document.objects.order_by("pk")
    names = {document.storage_name for document in documents}
    if names != set(manifest.files):
        raise ArchiveError("the stored files are not those of the documents")
    if check_documents:
        _check_documents(documents)


def _check_documents(documents: Iterable[Document]) -> None:
    failed = []
    for document in documents:
        try:
            document_content(document)
        except (DocumentIntegrityError, OSError) as exc:
            failed.append(f"{document.pk}: {exc}")
    if failed:
        raise RestoreError(
            f"{len(failed)} documents cannot be read with this instance's DOCUMENT_KEYS (first: "
            f"{failed[0]}): set DOCUMENT_KEYS to the keys of the instance the backup was made "
            "on, or restore with --skip-document-check"
        )


def _check_audit(manifest: Manifest) -> str:
    chain = verify_chain()
    found = {"events": chain.checked, "head": chain.head, "broken_at": chain.broken_at}
    if found != manifest.audit:
        raise ArchiveError(
            f"the audit chain differs from the one backed up: {found} instead of {manifest.audit}"
        )
    if chain.ok:
        return f"audit chain intact: {chain.checked} events, head {chain.head}"
    return f"audit chain broken at event {chain.broken_at}, as it was when backed up"
