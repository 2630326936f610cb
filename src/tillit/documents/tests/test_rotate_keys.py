"""`tillit documents rotate-keys`: every document moves to the newest key, safely and once."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from tillit.accounts.mfa import authenticators_reencrypt
from tillit.audit.models import AuditEvent
from tillit.conftest import Personas
from tillit.documents import services
from tillit.documents.keys import decode_key, key_id, new_key
from tillit.documents.models import Document
from tillit.documents.services import document_content, document_reencrypt, document_store
from tillit.documents.storage import DocumentIntegrityError

Capture = Callable[..., Any]  # pytest-django's django_capture_on_commit_callbacks


def _pdf(number: int) -> bytes:
    return f"%PDF-1.7\nAvtal nummer {number}\n%%EOF\n".encode()


def _store(personas: Personas, number: int = 1) -> Document:
    return document_store(
        acting_user=personas.admin_a,
        organisation=personas.org_a if number % 2 else personas.org_b,
        upload=SimpleUploadedFile(f"avtal-{number}.pdf", _pdf(number)),
    )


def _path(document: Document, settings: Any) -> Path:
    return Path(settings.MEDIA_ROOT) / document.storage_name


def _rotate(capture: Capture, *args: str) -> str:
    out = StringIO()
    # The old files are deleted once each document's transaction commits.
    with capture(execute=True):
        call_command("documents", "rotate-keys", *args, stdout=out)
    return out.getvalue()


def _id(key: str) -> str:
    return key_id(decode_key(key))


@pytest.fixture
def old_key(settings: Any, db: None) -> str:
    """The only key; the second-factor secrets of users made before are moved under it."""
    key = new_key()
    settings.DOCUMENT_KEYS = [key, *settings.DOCUMENT_KEYS]
    authenticators_reencrypt()
    settings.DOCUMENT_KEYS = [key]
    return key


def test_rotation_moves_every_document_so_the_old_key_can_go(
    personas: Personas, settings: Any, old_key: str, django_capture_on_commit_callbacks: Capture
) -> None:
    documents = [_store(personas, number) for number in range(1, 6)]
    old_paths = [_path(document, settings) for document in documents]
    new = new_key()
    settings.DOCUMENT_KEYS = [new, old_key]

    out = _rotate(django_capture_on_commit_callbacks, "--batch-size", "2")

    assert f"newest key {_id(new)}: 5 documents re-encrypted" in out
    assert "older keys can be removed" in out
    assert not any(path.exists() for path in old_paths)
    settings.DOCUMENT_KEYS = [new]
    for number, document in enumerate(documents, start=1):
        document.refresh_from_db()
        assert document.key_id == _id(new)
        assert _path(document, settings).read_bytes()[4:12].hex() == _id(new)
        assert document_content(document) == _pdf(number)
    events = AuditEvent.objects.filter(action="document.reencrypt")
    assert events.count() == 5
    event = events.get(object_id=str(documents[1].pk))
    assert event.organisation_id == personas.org_b.pk
    assert event.changes == {"key_id": [_id(old_key), _id(new)]}
    assert event.actor_label == "tillit documents rotate-keys"


def test_rotation_is_idempotent(
    personas: Personas, settings: Any, old_key: str, django_capture_on_commit_callbacks: Capture
) -> None:
    documents = [_store(personas, number) for number in range(1, 4)]
    settings.DOCUMENT_KEYS = [new_key(), old_key]
    _rotate(django_capture_on_commit_callbacks)
    files = {d.pk: _path(Document.objects.get(pk=d.pk), settings).read_bytes() for d in documents}
    events = AuditEvent.objects.count()

    out = _rotate(django_capture_on_commit_callbacks)

    assert ": 0 documents re-encrypted" in out
    assert AuditEvent.objects.count() == events
    for document in Document.objects.all():
        assert _path(document, settings).read_bytes() == files[document.pk]


def test_new_uploads_are_already_under_the_newest_key(
    personas: Personas, settings: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    _store(personas)
    out = _rotate(django_capture_on_commit_callbacks)
    assert ": 0 documents re-encrypted" in out
    assert not AuditEvent.objects.filter(action="document.reencrypt").exists()


def test_documents_stored_with_fernet_are_moved_to_aes_gcm(
    personas: Personas, settings: Any, old_key: str, django_capture_on_commit_callbacks: Capture
) -> None:
    document = _store(personas)
    _path(document, settings).unlink()
    Document.objects.filter(pk=document.pk).update(key_id="")
    document.refresh_from_db()
    _path(document, settings).write_bytes(Fernet(old_key).encrypt(_pdf(1)))
    legacy_path = _path(document, settings)

    _rotate(django_capture_on_commit_callbacks)

    document.refresh_from_db()
    assert document.key_id == _id(old_key)  # the same key, now through AES-GCM
    assert _path(document, settings).read_bytes().startswith(b"TLD\x01")
    assert not legacy_path.exists()
    assert document_content(document) == _pdf(1)


def test_a_document_that_cannot_be_read_is_reported_and_the_others_move_on(
    personas: Personas, settings: Any, old_key: str, django_capture_on_commit_callbacks: Capture
) -> None:
    documents = [_store(personas, number) for number in range(1, 5)]
    damaged = documents[2]
    path = _path(damaged, settings)
    path.write_bytes(path.read_bytes()[:-1] + b"\x00")
    settings.DOCUMENT_KEYS = [new_key(), old_key]

    with pytest.raises(CommandError, match="1 documents could not be read") as caught:
        _rotate(django_capture_on_commit_callbacks, "--batch-size", "1")

    assert str(damaged.pk) in str(caught.value)
    damaged.refresh_from_db()
    assert damaged.key_id == _id(old_key)
    assert path.exists()  # left as it was, for someone to look at
    assert Document.objects.exclude(key_id=_id(old_key)).count() == 3


def test_a_failure_before_the_commit_leaves_the_document_as_it_was(
    personas: Personas, settings: Any, old_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = _store(personas)
    old_path = _path(document, settings)
    settings.DOCUMENT_KEYS = [new_key(), old_key]

    def failing_audit(**kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "audit_record", failing_audit)
    with pytest.raises(RuntimeError):
        document_reencrypt(document_id=document.pk)

    document.refresh_from_db()
    assert document.key_id == _id(old_key)
    assert old_path.exists()
    assert list(old_path.parent.iterdir()) == [old_path]  # the new file was removed
    assert document_content(document) == _pdf(1)


def test_the_old_file_is_deleted_only_after_the_commit(
    personas: Personas, settings: Any, old_key: str, django_capture_on_commit_callbacks: Capture
) -> None:
    document = _store(personas)
    old_path = _path(document, settings)
    settings.DOCUMENT_KEYS = [new_key(), old_key]
    with django_capture_on_commit_callbacks() as callbacks:
        assert document_reencrypt(document_id=document.pk)
        document.refresh_from_db()
        assert old_path.exists()  # until the row is committed, it refers to this file
        assert _path(document, settings).exists()
    for callback in callbacks:  # at the commit: the deletion (and the plan's refresh)
        callback()
    assert not old_path.exists()
    assert document_content(document) == _pdf(1)


def test_a_file_left_by_an_interrupted_run_is_replaced(
    personas: Personas, settings: Any, old_key: str, django_capture_on_commit_callbacks: Capture
) -> None:
    document = _store(personas)
    new = new_key()
    settings.DOCUMENT_KEYS = [new, old_key]
    leftover = _path(document, settings).with_name(f"{document.pk}.{_id(new)}")
    leftover.write_bytes(b"half a file")

    _rotate(django_capture_on_commit_callbacks)

    document.refresh_from_db()
    assert _path(document, settings) == leftover
    assert document_content(document) == _pdf(1)


def test_a_download_racing_the_rotation_reads_the_new_file(
    personas: Personas, settings: Any, old_key: str, django_capture_on_commit_callbacks: Capture
) -> None:
    document = _store(personas)  # as a web request read it, before the rotation
    settings.DOCUMENT_KEYS = [new_key(), old_key]
    with django_capture_on_commit_callbacks(execute=True):
        assert document_reencrypt(document_id=document.pk)
    assert document_content(document) == _pdf(1)


def test_a_document_under_an_unknown_key_cannot_be_rotated(
    personas: Personas, settings: Any, old_key: str
) -> None:
    document = _store(personas)
    settings.DOCUMENT_KEYS = [new_key()]
    with pytest.raises(DocumentIntegrityError, match="is not in DOCUMENT_KEYS"):
        document_reencrypt(document_id=document.pk)


def test_the_batch_size_must_be_positive() -> None:
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        call_command("documents", "rotate-keys", "--batch-size", "0")
