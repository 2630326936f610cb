"""Hostile files, beyond what documents/tests and imports/tests already cover (entity bombs in
a sheet, zip bombs, formulas, links to other workbooks, content that does not match the name,
path traversal in document_store): external entities wherever a workbook is parsed, Office
files with entities kept unparsed, and file names from the supplier portal."""

from __future__ import annotations

import io
import re
import socket
import zipfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tillit.assessments.models import PortalLink
from tillit.assessments.services import link_issue
from tillit.conftest import Personas
from tillit.documents.models import Document
from tillit.documents.services import document_content
from tillit.imports.parsing import FileRefusedError, read_table
from tillit.imports.tests.files import rewrite_zip, xlsx_bytes
from tillit.imports.tests.test_parsing import BILLION_LAUGHS
from tillit.testing import make_assessment

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
SECRET = "tillit-secret-marker"


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    """A local file an external entity would read, as it might /etc/passwd."""
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


SHEET = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _external_entity(target: str) -> bytes:
    """A sheet whose one cell is an external entity: resolved, the file's text would be read."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "{target}">]>\n'
        f'<worksheet xmlns="{SHEET}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
        f"<is><t>&xxe;</t></is></c></row></sheetData></worksheet>"
    ).encode()


def _parameter_entity(target: str) -> bytes:
    """An external DTD pulled in through a parameter entity (the out-of-band XXE pattern)."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE worksheet [<!ENTITY % remote SYSTEM "{target}"> %remote;]>\n'
        f'<worksheet xmlns="{SHEET}"><sheetData/></worksheet>'
    ).encode()


# Parts openpyxl falls back to defaults for when they cannot be parsed.
LENIENT = {"_rels/.rels", "xl/styles.xml"}
# Every part of a workbook that the import reads as XML.
PARSED = [
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "xl/worksheets/sheet1.xml",
]


@pytest.mark.parametrize("member", PARSED)
@pytest.mark.parametrize("build", [_external_entity, _parameter_entity])
@pytest.mark.parametrize("scheme", ["file", "http"])
# openpyxl warns when it falls back to defaults for a part defusedxml refused to parse.
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_an_import_never_resolves_external_entities(
    secret_file: Path,
    member: str,
    build: Callable[[str], bytes],
    scheme: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The file is refused, or (for parts openpyxl can do without) read without the part; the
    entity is never resolved: no local file read, no connection made (server-side request
    forgery)."""
    connections: list[object] = []
    monkeypatch.setattr(
        socket.socket, "connect", lambda _self, address: connections.append(address)
    )
    target = secret_file.as_uri() if scheme == "file" else "http://203.0.113.1/x.dtd"
    content = rewrite_zip(xlsx_bytes([["name"], ["Exempel"]]), {member: build(target)})
    try:
        table = read_table(content, "leverantorer.xlsx")
    except FileRefusedError as exc:
        codes = {problem.code for problem in exc.problems}
        assert codes <= {"xml_entities", "not_xlsx", "empty"}, codes
        seen = str([problem.message for problem in exc.problems])
    else:
        assert member in LENIENT, f"{member} was read despite its entity"
        seen = str(table.rows)
    assert SECRET not in seen
    assert connections == []


def _office(document_xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", document_xml)
    return buffer.getvalue()


@pytest.fixture
def portal(
    personas: Personas, django_capture_on_commit_callbacks: Capture
) -> tuple[Client, PortalLink, str]:
    """A supplier signed in to the portal with the one-time code."""
    link, token = link_issue(
        acting_user=personas.admin_a,
        assessment=make_assessment(personas.org_a),
        contact_name="Kim",
        contact_email="kim@leverantor.test",
    )
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal-code-send", args=[token]))
    code = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body))
    assert code is not None
    client.post(reverse("portal-code-verify", args=[token]), {"code": code.group(1)})
    return client, link, token


def _evidence_url(link: PortalLink, token: str) -> str:
    question = link.assessment.questions.first()
    assert question is not None
    return reverse("portal-evidence-add", args=[token, question.pk])


def test_office_evidence_with_entities_is_kept_unparsed(
    portal: tuple[Client, PortalLink, str], secret_file: Path
) -> None:
    """Tillit never parses the XML of a stored document (it only lists the archive to tell an
    Office file from a zip bomb), so entities are neither expanded nor resolved: the reader's
    own software meets the file exactly as the supplier sent it."""
    client, link, token = portal
    hostile = _office(BILLION_LAUGHS.replace(b"&lol9;", f"&lol9;{SECRET}".encode()))
    with_entity = _office(_external_entity(secret_file.as_uri()))
    for name, content in (("bomb.docx", hostile), ("xxe.docx", with_entity)):
        response = client.post(
            _evidence_url(link, token), {"file": SimpleUploadedFile(name, content)}
        )
        assert response.status_code == 302
        document = Document.objects.get(name=name)
        assert document_content(document) == content
        assert document.size == len(content)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
        ("/var/lib/tillit/media/documents/avtal.pdf", "avtal.pdf"),
        ("..%2F..%2Fetc%2Fpasswd.pdf", "%2F..%2Fetc%2Fpasswd.pdf"),  # never decoded: harmless
    ],
)
def test_a_file_name_from_the_portal_cannot_leave_the_document_store(
    portal: tuple[Client, PortalLink, str], sent: str, kept: str
) -> None:
    client, link, token = portal
    client.post(
        _evidence_url(link, token), {"file": SimpleUploadedFile(sent, b"%PDF-1.7 evidence")}
    )
    document = Document.objects.get()
    assert document.name == kept
    media = Path(settings.MEDIA_ROOT).resolve()
    stored = (media / document.storage_name).resolve()
    assert stored.is_file()
    # documents/<organisation>/<document id>.<key id>: nothing of the name the supplier gave.
    assert stored.parent == media / "documents" / str(document.organisation_id)
    assert stored.name.split(".")[0] == str(document.pk)
