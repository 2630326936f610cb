from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from tillit.audit.models import AuditEvent
from tillit.conftest import Personas
from tillit.documents import storage
from tillit.documents.keys import new_key
from tillit.documents.models import Document
from tillit.documents.services import document_content, document_store, document_stored
from tillit.documents.storage import DocumentIntegrityError

PDF = b"%PDF-1.7\nPersonnummer 19121212-1212 och skyddad adress\n%%EOF\n"


def _store(personas: Personas, name: str = "avtal.pdf", content: bytes = PDF) -> Document:
    return document_store(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        upload=SimpleUploadedFile(name, content),
    )


def _on_disk(document: Document) -> Path:
    return Path(settings.MEDIA_ROOT) / document.storage_name


def test_the_stored_file_is_encrypted(personas: Personas) -> None:
    document = _store(personas)
    raw = _on_disk(document).read_bytes()
    assert b"19121212-1212" not in raw
    assert b"%PDF" not in raw
    assert raw.startswith(b"TLD\x01")  # AES-GCM, format version 1 (storage.py)
    assert document_content(document) == PDF
    assert (document.size, document.content_type) == (len(PDF), "application/pdf")


def test_the_file_is_stored_under_its_id_whatever_its_name(personas: Personas) -> None:
    document = _store(personas, name="../../etc/passwd.pdf")
    assert document.name == "passwd.pdf"
    assert document.storage_name == f"documents/{personas.org_a.pk}/{document.pk}.{document.key_id}"
    assert _on_disk(document).is_file()
    assert Path(settings.MEDIA_ROOT) in _on_disk(document).resolve().parents


def test_upload_is_audited(personas: Personas) -> None:
    document = _store(personas)
    event = AuditEvent.objects.get(action="document.upload")
    assert event.object_id == str(document.pk)
    assert event.changes["sha256"] == [None, document.sha256]


def test_a_refused_file_is_not_stored(personas: Personas) -> None:
    with pytest.raises(ValidationError):
        _store(personas, name="avtal.pdf", content=b"MZ\x90\x00")
    assert not Document.objects.exists()
    folder = Path(settings.MEDIA_ROOT) / "documents" / str(personas.org_a.pk)
    assert not folder.exists() or not any(folder.iterdir())


def test_a_tampered_file_fails_its_integrity_check(personas: Personas) -> None:
    document = _store(personas)
    path = _on_disk(document)
    token = bytearray(path.read_bytes())
    token[40] ^= 1
    path.write_bytes(bytes(token))
    with pytest.raises(DocumentIntegrityError):
        document_content(document)


def test_a_swapped_file_fails_its_integrity_check(personas: Personas) -> None:
    """Validly encrypted, but not the content that was uploaded."""
    document = _store(personas)
    other = storage.encrypt(
        b"%PDF-1.7 another file", key_id=document.key_id, identity=document.storage_identity
    )
    default_storage.delete(document.storage_name)
    default_storage.save(document.storage_name, ContentFile(other))
    with pytest.raises(DocumentIntegrityError):
        document_content(document)


def test_old_keys_still_decrypt_after_rotation(personas: Personas, settings: Any) -> None:
    document = _store(personas)
    settings.DOCUMENT_KEYS = [new_key(), *settings.DOCUMENT_KEYS]
    assert document_content(document) == PDF
    settings.DOCUMENT_KEYS = [new_key()]
    with pytest.raises(DocumentIntegrityError):
        document_content(document)


def test_document_stored_keeps_the_file_when_the_write_succeeds(personas: Personas) -> None:
    upload = SimpleUploadedFile("avtal.pdf", PDF)
    with document_stored(
        acting_user=personas.admin_a, organisation=personas.org_a, upload=upload
    ) as document:
        assert document is not None
    assert Document.objects.get() == document
    assert _on_disk(document).is_file()


def test_document_stored_removes_row_and_file_when_the_write_fails(personas: Personas) -> None:
    stored: list[Document] = []

    def failing_write() -> None:
        with document_stored(
            acting_user=personas.admin_a,
            organisation=personas.org_a,
            upload=SimpleUploadedFile("avtal.pdf", PDF),
        ) as document:
            assert document is not None
            stored.append(document)
            raise ValidationError("the write failed")

    with pytest.raises(ValidationError):
        failing_write()
    assert not Document.objects.exists()
    assert not _on_disk(stored[0]).exists()


def test_document_stored_without_an_upload(personas: Personas) -> None:
    with document_stored(
        acting_user=personas.admin_a, organisation=personas.org_a, upload=None
    ) as document:
        assert document is None
    assert not Document.objects.exists()
