"""AES-GCM at rest: what lies on disk, and that any change to it is refused loudly."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile

from tillit.conftest import Personas
from tillit.documents import storage
from tillit.documents.keys import decode_key, key_id, new_key
from tillit.documents.models import Document
from tillit.documents.services import document_content, document_store
from tillit.documents.storage import DocumentIntegrityError

PDF = b"%PDF-1.7\nPersonnummer 19121212-1212, skyddad identitet, Storgatan 1\n%%EOF\n"


def _store(personas: Personas, content: bytes = PDF) -> Document:
    return document_store(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        upload=SimpleUploadedFile("avtal.pdf", content),
    )


def _on_disk(document: Document, settings: Any) -> Path:
    return Path(settings.MEDIA_ROOT) / document.storage_name


def test_the_file_on_disk_holds_no_part_of_the_content(personas: Personas, settings: Any) -> None:
    document = _store(personas)
    raw = _on_disk(document, settings).read_bytes()
    assert raw != PDF
    # Not the content, nor any 8 bytes of it.
    assert not any(PDF[i : i + 8] in raw for i in range(len(PDF) - 7))
    newest = key_id(decode_key(settings.DOCUMENT_KEYS[0]))
    assert document.key_id == newest
    assert raw[:4] == b"TLD\x01"
    assert raw[4:12].hex() == newest
    assert len(raw) == 4 + 8 + 12 + len(PDF) + 16  # header, nonce, ciphertext, tag
    assert Document.objects.get().key_id == newest


def test_the_same_content_is_encrypted_differently_each_time(personas: Personas) -> None:
    first = storage.encrypt(PDF, key_id=storage.newest_key_id(), identity="documents/x/1")
    second = storage.encrypt(PDF, key_id=storage.newest_key_id(), identity="documents/x/1")
    assert first[12:24] != second[12:24]  # the nonce
    assert first[24:] != second[24:]


@pytest.mark.parametrize(
    "content", [b"", b"%PDF", os.urandom(100_000)], ids=["empty", "short", "100 kB"]
)
def test_round_trip(content: bytes) -> None:
    blob = storage.encrypt(content, key_id=storage.newest_key_id(), identity="documents/x/1")
    decrypted = storage.decrypt(blob, key_id=storage.newest_key_id(), identity="documents/x/1")
    assert decrypted == content


def test_round_trip_through_the_storage(personas: Personas) -> None:
    document = _store(personas)
    assert document_content(Document.objects.get(pk=document.pk)) == PDF


def test_a_file_under_a_key_no_longer_configured_fails_loudly(
    personas: Personas, settings: Any
) -> None:
    document = _store(personas)
    settings.DOCUMENT_KEYS = [new_key()]
    with pytest.raises(DocumentIntegrityError, match="is not in DOCUMENT_KEYS"):
        document_content(document)


def test_a_wrong_key_with_the_same_id_fails_the_tag(personas: Personas) -> None:
    """If the key behind an id were ever different, the tag would not verify."""
    blob = storage.encrypt(PDF, key_id=storage.newest_key_id(), identity="documents/x/1")
    other = storage.encrypt(PDF, key_id=storage.newest_key_id(), identity="documents/x/1")
    forged = blob[:24] + other[24:]  # the other nonce's ciphertext under this header
    with pytest.raises(DocumentIntegrityError, match="tag"):
        storage.decrypt(forged, key_id=storage.newest_key_id(), identity="documents/x/1")


def test_a_row_naming_another_key_than_its_file_fails(personas: Personas, settings: Any) -> None:
    document = _store(personas)
    other = new_key()
    settings.DOCUMENT_KEYS = [*settings.DOCUMENT_KEYS, other]
    name = document.storage_name
    document.key_id = key_id(decode_key(other))
    blob = (Path(settings.MEDIA_ROOT) / name).read_bytes()
    with pytest.raises(DocumentIntegrityError, match="is under key"):
        storage.decrypt(blob, key_id=document.key_id, identity=document.storage_identity)


@pytest.mark.parametrize(
    "position",
    [0, 3, 4, 11, 12, 23, 24, len(PDF) // 2 + 24, -16, -1],
    ids=[
        "magic",
        "version",
        "key id first",
        "key id last",
        "nonce first",
        "nonce last",
        "ciphertext first",
        "ciphertext middle",
        "tag first",
        "tag last",
    ],
)
def test_changing_any_one_byte_fails(personas: Personas, settings: Any, position: int) -> None:
    document = _store(personas)
    path = _on_disk(document, settings)
    raw = bytearray(path.read_bytes())
    raw[position] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(DocumentIntegrityError):
        document_content(document)


def test_a_truncated_file_fails(personas: Personas, settings: Any) -> None:
    document = _store(personas)
    path = _on_disk(document, settings)
    path.write_bytes(path.read_bytes()[:20])
    with pytest.raises(DocumentIntegrityError, match="not an encrypted document file"):
        document_content(document)


def test_files_cannot_be_swapped_between_documents(personas: Personas, settings: Any) -> None:
    """Same content, same key, so the same SHA-256: only the associated data tells them apart."""
    first, second = _store(personas), _store(personas)
    assert first.sha256 == second.sha256
    first_path, second_path = _on_disk(first, settings), _on_disk(second, settings)
    first_raw, second_raw = first_path.read_bytes(), second_path.read_bytes()
    first_path.write_bytes(second_raw)
    second_path.write_bytes(first_raw)
    for document in (first, second):
        with pytest.raises(DocumentIntegrityError, match="tag"):
            document_content(document)


def test_a_document_stored_before_aes_gcm_is_still_read(personas: Personas, settings: Any) -> None:
    """Fernet under the same key, key_id "" on the row, the file at the name without a key id."""
    document = _store(personas)
    _on_disk(document, settings).unlink()
    Document.objects.filter(pk=document.pk).update(key_id="")
    document.refresh_from_db()
    path = _on_disk(document, settings)
    assert path.name == str(document.pk)
    path.write_bytes(Fernet(settings.DOCUMENT_KEYS[0]).encrypt(PDF))
    assert document_content(document) == PDF
    path.write_bytes(Fernet(new_key()).encrypt(PDF))
    with pytest.raises(DocumentIntegrityError, match="Fernet"):
        document_content(document)


def test_an_existing_file_is_never_overwritten(personas: Personas, settings: Any) -> None:
    document = _store(personas)
    before = _on_disk(document, settings).read_bytes()
    with pytest.raises(FileExistsError):
        storage.write_encrypted(
            document.storage_name,
            b"%PDF-1.7 another file",
            key_id=document.key_id,
            identity=document.storage_identity,
        )
    assert _on_disk(document, settings).read_bytes() == before
    assert [path.name for path in _on_disk(document, settings).parent.iterdir()] == [
        _on_disk(document, settings).name
    ]
