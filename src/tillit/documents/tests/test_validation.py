from __future__ import annotations

import io
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError

from tillit.documents.validation import MAX_UNPACKED, content_type_for, safe_name
from tillit.testing import damaged_zips

PDF = b"%PDF-1.7\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def _office(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _code(name: str, content: bytes) -> str | None:
    with pytest.raises(ValidationError) as excinfo:
        content_type_for(name, content)
    return excinfo.value.code


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("avtal.pdf", PDF, "application/pdf"),
        ("AVTAL.PDF", PDF, "application/pdf"),
        ("bild.png", PNG, "image/png"),
        ("foto.jpeg", b"\xff\xd8\xff\xe0rest", "image/jpeg"),
        ("lista.csv", "namn;ort\nÅsa;Umeå\n".encode(), "text/csv"),
        ("rapport.txt", b"Rapport", "text/plain"),
        (
            "bilaga.docx",
            _office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_accepted_files(name: str, content: bytes, expected: str) -> None:
    assert content_type_for(name, content) == expected


@pytest.mark.parametrize("name", ["program.exe", "sida.html", "bild.svg", "utan_filändelse", "x."])
def test_wrong_extension_is_refused(name: str) -> None:
    assert _code(name, b"anything") == "type"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("avtal.pdf", PNG),  # a picture named as a PDF
        ("bild.png", PDF),
        ("foto.jpg", b"GIF89a"),
        ("bilaga.docx", PDF),  # not a zip at all
        ("bilaga.xlsx", _office({"evil.sh": b"rm -rf /"})),  # a zip, but not an Office file
        ("rapport.txt", b"\xff\xfe\x00b\x00i\x00n"),  # not UTF-8
        ("rapport.txt", b"text\x00with nul"),
    ],
)
def test_content_not_matching_its_extension_is_refused(name: str, content: bytes) -> None:
    assert _code(name, content) == "mismatch"


def _claiming_size(archive: bytes, size: int) -> bytes:
    """The archive with every central-directory entry claiming `size` bytes unpacked: what a
    zip bomb looks like to the check, without building one."""
    data = bytearray(archive)
    offset = data.find(b"PK\x01\x02")
    while offset != -1:
        struct.pack_into("<I", data, offset + 24, size)
        offset = data.find(b"PK\x01\x02", offset + 4)
    return bytes(data)


def test_an_office_file_with_a_damaged_directory_is_refused() -> None:
    """They were server errors on every upload: not every damage is a BadZipFile."""
    sound = _office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    for damaged in damaged_zips(sound):
        assert _code("bilaga.docx", damaged) == "mismatch"


def test_an_office_file_that_unpacks_to_too_much_is_refused() -> None:
    small = _office({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"})
    bomb = _claiming_size(small, MAX_UNPACKED // 2 + 1)
    assert len(bomb) < 1000
    assert _code("lista.xlsx", bomb) == "zip_bomb"


def test_a_real_highly_compressed_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tillit.documents.validation.MAX_UNPACKED", 1024 * 1024)
    bomb = _office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"0" * 2_000_000})
    assert len(bomb) < 10_000
    assert _code("bilaga.docx", bomb) == "zip_bomb"


def test_too_large_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tillit.documents.validation.MAX_SIZE", 10)
    assert _code("rapport.txt", b"x" * 11) == "too_large"


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\win.ini.txt", "win.ini.txt"),
        ("/var/lib/tillit/avtal.pdf", "avtal.pdf"),
        ("avtal\x00.pdf", "avtal.pdf"),
        ("rad\nbrytning.pdf", "radbrytning.pdf"),
        (".htaccess.txt", "htaccess.txt"),
        ("..", "document"),
        ("", "document"),
        ("Avtal med Åkesson.pdf", "Avtal med Åkesson.pdf"),
        ("A\u030akesson.pdf", "Åkesson.pdf"),  # decomposed å is composed
    ],
)
def test_safe_name(raw: str, safe: str) -> None:
    assert safe_name(raw) == safe


def test_safe_name_is_at_most_255_characters() -> None:
    assert len(safe_name("a" * 300 + ".pdf")) == 255
