"""Shared by the backup tests: a BACKUP_KEY, a document storage of their own, and the means to
empty an instance and to take its fingerprint."""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path
from typing import Any, cast

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from tillit.audit.chain import verify_chain
from tillit.audit.models import AuditEvent
from tillit.backup.scope import SKIPPED
from tillit.documents import storage
from tillit.documents.keys import decode_key, new_key
from tillit.documents.models import Document
from tillit.documents.services import document_content, document_store
from tillit.organisations.models import Organisation

PDF = b"%PDF-1.7\nAvtal om personuppgiftsbitr\xc3\xa4de, bilaga 2\n%%EOF\n"

_triggers = importlib.import_module("tillit.audit.migrations.0002_append_only_triggers")


@pytest.fixture(autouse=True)
def backup_key(settings: Any, tmp_path: Path) -> bytes:
    """A BACKUP_KEY, and documents stored under this test's own folder."""
    settings.BACKUP_KEY = new_key()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return decode_key(settings.BACKUP_KEY)


def upload(
    organisation: Organisation, name: str = "pub-avtal.pdf", content: bytes = PDF
) -> Document:
    return document_store(
        acting_user=None,
        organisation=organisation,
        upload=SimpleUploadedFile(name, content),
        actor_label="test",
    )


class _Statements:
    """Enough of a schema editor for the audit log's trigger migration to run its statements
    inside the test's transaction (a real one refuses to on SQLite)."""

    connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


def wipe() -> None:
    """Empty the database and the document storage, leaving what `tillit migrate` makes (content
    types, permissions). The audit log's triggers refuse the DELETE that flush does on SQLite,
    as they should: they are set aside while it runs, and put back as the migration made them."""
    for document in Document.objects.all():
        storage.delete(document.storage_name)
    editor = cast(BaseDatabaseSchemaEditor, _Statements())
    # PostgreSQL refuses to TRUNCATE a table with foreign-key checks still pending.
    connection.check_constraints()
    _triggers.drop_triggers(apps, editor)
    call_command("flush", interactive=False, verbosity=0)
    _triggers.create_triggers(apps, editor)


def table_counts() -> dict[str, int]:
    """The rows of every table a backup holds (Django's own many-to-many tables too)."""
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower not in SKIPPED
    }


def fingerprint() -> dict[str, Any]:
    """What a restore must bring back: the rows of every table in the backup, each document's
    content, the audit log row by row, the accounts with their passwords and MFA."""
    return {
        "counts": table_counts(),
        "documents": {
            str(document.pk): hashlib.sha256(document_content(document)).hexdigest()
            for document in Document.objects.all()
        },
        "audit": list(AuditEvent.objects.order_by("id").values_list("id", "hash", "created_at")),
        "chain": verify_chain(),
        "users": _rows("accounts.user", "email", "password", "is_superuser", "last_login"),
        "mfa": _rows("mfa.authenticator", "user_id", "type", "data", "created_at"),
    }


def _rows(name: str, *fields: str) -> list[tuple[Any, ...]]:
    return list(apps.get_model(name)._base_manager.order_by("pk").values_list("pk", *fields))
