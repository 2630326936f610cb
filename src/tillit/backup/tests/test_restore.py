"""What restore refuses, and that a refused or failed restore leaves nothing behind."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import transaction

from tillit.audit.services import audit_record, diff
from tillit.backup import services
from tillit.backup.archive import ArchiveWriter, Manifest
from tillit.backup.tests.conftest import fingerprint, upload, wipe
from tillit.documents.keys import new_key
from tillit.documents.models import Document
from tillit.organisations.roles import Role
from tillit.testing import make_member, make_organisation

pytestmark = pytest.mark.django_db

# More than one chunk of the archive (1 MiB), so that it can be cut at a chunk boundary.
LARGE_PDF = b"%PDF-1.7\n" + hashlib.shake_256(b"tillit").digest(1_300_000) + b"\n%%EOF\n"


@dataclass
class Backup:
    path: Path
    before: dict[str, Any]


@pytest.fixture
def backup(tmp_path: Path) -> Backup:
    """A small instance, backed up."""
    organisation = make_organisation("Exempelstad")
    user = make_member(organisation, Role.ADMIN, "admin@exempelstad.test")
    upload(organisation)
    upload(organisation, "stor.pdf", LARGE_PDF)
    with transaction.atomic():
        audit_record(
            actor=user,
            organisation_id=organisation.id,
            action="test.write",
            obj=organisation,
            changes=diff({"name": "Exempelby"}, {"name": "Exempelstad"}),
        )
    path = tmp_path / "tillit.backup"
    call_command("backup", str(path))
    return Backup(path, fingerprint())


def _empty() -> bool:
    files = [path for path in Path(default_storage.path("")).rglob("*") if path.is_file()]
    return not any(fingerprint()["counts"].values()) and not files


def _refused(path: Path, message: str, *args: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), *args)


def test_both_commands_need_the_key(backup: Backup, settings: Any, tmp_path: Path) -> None:
    settings.BACKUP_KEY = ""
    with pytest.raises(CommandError, match="BACKUP_KEY"):
        call_command("backup", str(tmp_path / "another.backup"))
    assert not (tmp_path / "another.backup").exists()
    _refused(backup.path, "BACKUP_KEY .* must be set")


def test_the_backup_key_is_not_a_document_key(settings: Any, tmp_path: Path) -> None:
    settings.BACKUP_KEY = settings.DOCUMENT_KEYS[-1]
    with pytest.raises(CommandError, match="must not be one of the DOCUMENT_KEYS"):
        call_command("backup", str(tmp_path / "tillit.backup"))


def test_a_backup_never_overwrites_a_file(backup: Backup) -> None:
    content = backup.path.read_bytes()
    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(backup.path))
    assert backup.path.read_bytes() == content
    assert sorted(path.name for path in backup.path.parent.iterdir()) == ["media", backup.path.name]


def test_the_archive_is_encrypted(backup: Backup) -> None:
    content = backup.path.read_bytes()
    assert content.startswith(b"TLB\x01")
    for plain in (b"Exempelstad", b"admin@exempelstad.test", b"manifest", b"test.write"):
        assert plain not in content


def test_another_key_restores_nothing(backup: Backup, settings: Any) -> None:
    wipe()
    settings.BACKUP_KEY = new_key()
    _refused(backup.path, "Nothing restored: the archive was made with another key")
    assert _empty()


@pytest.mark.parametrize("where", [0.3, 0.6, 0.99])
def test_an_altered_archive_restores_nothing(backup: Backup, where: float) -> None:
    content = bytearray(backup.path.read_bytes())
    content[int(len(content) * where)] ^= 0x20
    backup.path.write_bytes(bytes(content))
    wipe()
    _refused(backup.path, "Nothing restored: the archive is damaged or altered")
    assert _empty()


@pytest.mark.parametrize("keep", [0.5, 0.99, "one chunk"])
def test_an_archive_cut_short_restores_nothing(backup: Backup, keep: float | str) -> None:
    content = backup.path.read_bytes()
    length = 28 + 4 + 1024 * 1024 + 16 if keep == "one chunk" else int(len(content) * float(keep))
    backup.path.write_bytes(content[:length])
    wipe()
    _refused(backup.path, "Nothing restored: the archive is cut short")
    assert _empty()


def test_an_instance_with_data_is_refused(backup: Backup) -> None:
    _refused(backup.path, r"the database is not empty \(it holds 1 organisations.organisation")
    assert fingerprint() == backup.before


def test_a_storage_holding_other_files_under_the_names_is_refused(backup: Backup) -> None:
    name = Document.objects.order_by("name").first().storage_name  # type: ignore[union-attr]
    wipe()
    default_storage.save(name, ContentFile(b"something else"))
    _refused(backup.path, f"already holds another file named {name}")
    assert not any(fingerprint()["counts"].values())
    assert default_storage.open(name).read() == b"something else"


def test_files_left_by_a_stopped_restore_are_taken_as_they_are(backup: Backup) -> None:
    document = Document.objects.order_by("name").first()
    assert document is not None
    blob = default_storage.open(document.storage_name).read()
    wipe()
    default_storage.save(document.storage_name, ContentFile(blob))
    call_command("restore", str(backup.path))
    assert fingerprint() == backup.before


def test_an_archive_of_another_version_is_refused(
    backup: Backup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied = services._migrations()
    monkeypatch.setattr(services, "_migrations", lambda: [*applied, "risks.9999_future"])
    call_command("backup", str(tmp_path / "newer.backup"))
    monkeypatch.undo()
    wipe()
    _refused(tmp_path / "newer.backup", "another version of Tillit.*Not applied here: risks.9999")
    assert _empty()


def test_a_failure_after_the_rows_and_files_are_written_leaves_nothing(
    backup: Backup, settings: Any
) -> None:
    """The documents are checked last, inside the transaction, after every row and file is
    written: without the DOCUMENT_KEYS they were stored under, the whole restore goes."""
    wipe()
    keys = settings.DOCUMENT_KEYS
    settings.DOCUMENT_KEYS = [new_key()]
    _refused(backup.path, "2 documents cannot be read with this instance's DOCUMENT_KEYS")
    assert _empty()
    # Told to, it restores them all the same; with the keys back they are read again.
    call_command("restore", str(backup.path), "--skip-document-check")
    settings.DOCUMENT_KEYS = keys
    assert fingerprint() == backup.before


def test_an_archive_that_does_not_match_its_manifest_is_refused(
    backup: Backup, backup_key: bytes, tmp_path: Path
) -> None:
    """Sealed with the right key, yet inconsistent: a backup written by a faulty Tillit."""
    path = tmp_path / "inconsistent.backup"
    with path.open("wb") as target:
        archive = ArchiveWriter(target, backup_key)
        archive.header({"migrations": services._migrations()})
        archive.rows(1, "organisations.organisation", "")
        archive.finish(Manifest(counts={"organisations.organisation": 1}))
    wipe()
    _refused(path, "the rows do not match the manifest")
    assert _empty()


def test_a_document_missing_from_the_storage_stops_the_backup(
    backup: Backup, tmp_path: Path
) -> None:
    document = Document.objects.order_by("name").first()
    assert document is not None
    default_storage.delete(document.storage_name)
    with pytest.raises(CommandError, match=f"No backup written: document {document.pk}"):
        call_command("backup", str(tmp_path / "again.backup"))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["media", backup.path.name]
