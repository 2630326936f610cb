"""Every download (found by walking the routes and looking at what comes back) with hostile
text in every field: spreadsheets hold no formula and no cell a spreadsheet would run as one;
Word and PDF documents show the text as text."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone
from docx import Document as DocxDocument
from openpyxl import load_workbook
from pypdf import PdfReader

from tillit.assessments.views.portal import SESSION_KEY, VERIFIED_SECONDS
from tillit.conftest import Personas
from tillit.lib.spreadsheet import safe_cell
from tillit.security.tests.hostile import FORMULA_STARTS, HostileWorld, hostile_world
from tillit.security.tests.routes import all_routes, arguments_of_a, url_for

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
FORMATS = ("csv", "xlsx", "docx", "pdf", "txt")


@dataclass
class Download:
    name: str
    url: str
    content_type: str
    content: bytes
    headers: dict[str, str]


def _downloads(personas: Personas, world: HostileWorld) -> Iterator[Download]:
    arguments = arguments_of_a(personas) | world.arguments()
    personas.admin_a.is_superuser = True
    personas.admin_a.save(update_fields=["is_superuser"])
    staff = personas.client(personas.admin_a)
    supplier = Client()
    session = supplier.session
    session[SESSION_KEY] = {str(world.link.pk): timezone.now().timestamp() + VERIFIED_SECONDS}
    session.save()
    for name, params in all_routes():
        if name.startswith(("account_", "mfa_")):
            continue
        client = supplier if name.startswith("portal-") else staff
        for fmt in FORMATS if "fmt" in params else (None,):
            url = url_for(name, params, arguments | {"fmt": fmt})
            if url.startswith("/api/"):
                continue  # the API's annex comes from the same renderers as the page's
            response = client.get(url)
            content_type = response.get("Content-Type", "").split(";")[0]
            if response.status_code == 200 and content_type != "text/html":
                yield Download(name, url, content_type, response.content, dict(response.headers))


def test_every_download(personas: Personas) -> None:
    """One walk (rendering every PDF takes a while), three checks."""
    world = hostile_world(personas)
    downloads = list(_downloads(personas, world))
    _check_spreadsheets(downloads, world)
    _check_documents(downloads, world)
    _check_uploads(downloads)


def _csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    delimiter = ";" if text.split("\r\n", 1)[0].count(";") else ","
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


def _xlsx_cells(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))  # formulas kept as formulas
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: {cell.value}"
                if isinstance(cell.value, str):
                    cells.append(cell.value)
    properties = workbook.properties
    return cells + [value for value in (properties.title, properties.creator) if value]


def _formula_like(cells: list[str]) -> list[str]:
    return [cell for cell in cells if cell.lstrip(" ").startswith(FORMULA_STARTS)]


def _check_spreadsheets(downloads: list[Download], world: HostileWorld) -> None:
    """No spreadsheet cell can run as a formula."""
    sheets = [d for d in downloads if d.content_type in {CSV, XLSX}]
    names = {d.name for d in sheets}
    assert {
        "processing-register-download",
        "evaluation-download",
        "import-template",
        "assessment-xlsx",
        "portal-questionnaire-xlsx",
    } <= names
    hostile = 0
    for download in sheets:
        reader = _csv_cells if download.content_type == CSV else _xlsx_cells
        cells = reader(download.content)
        assert not _formula_like(cells), f"{download.url}: {_formula_like(cells)}"
        hostile += sum(1 for cell in cells if "alert(" in cell)
        # Hostile text is kept whole, behind the quote that makes it text.
        for label in world.labels:
            if any(f'alert("{label}")' in cell for cell in cells):
                text = world.texts[label]
                assert any(text in cell for cell in cells), (download.url, label)
    assert hostile >= 10


def _docx_text(content: bytes) -> str:
    document = DocxDocument(io.BytesIO(content))
    texts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                assert b"<script" not in archive.read(name), name
    return "\n".join(texts)


def _pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _check_documents(downloads: list[Download], world: HostileWorld) -> None:
    """Word, PDF and text documents show hostile text as text."""
    generated = [d for d in downloads if d.name != "document-download"]
    documents = {d.url: d for d in generated if d.content_type in {DOCX, PDF, "text/plain"}}
    shown: dict[str, set[str]] = {}
    for url, download in documents.items():
        if download.content_type == DOCX:
            text = _docx_text(download.content)
        elif download.content_type == PDF:
            text = _pdf_text(download.content)
        else:
            text = download.content.decode()
            # Never taken for HTML by a browser.
            assert download.headers["X-Content-Type-Options"] == "nosniff"
        # PDF text comes back in lines: compare without white space.
        squeezed = _squeezed(text)
        labels = {label for label in world.labels if _squeezed(f'"{label}")') in squeezed}
        # Whole, as written: no tag was taken for markup, nothing fetched in its place.
        for label in labels:
            assert _squeezed(world.texts[label]) in squeezed, (url, label)
        shown[download.name] = shown.get(download.name, set()) | labels
    assert {"procurement name", "organisation name", "justification", "asset name"} <= shown[
        "annex-download"
    ]
    assert "tenderer" in shown["evaluation-download"]
    assert {"organisation name", "incident description"} <= shown["case-draft"]


def _check_uploads(downloads: list[Download]) -> None:
    """An uploaded file is the uploader's bytes: never shown inline, never sniffed, so an
    "evidence" file of HTML cannot run in Tillit's origin."""
    (download,) = [d for d in downloads if d.name == "document-download"]
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_is_quoted(start: str) -> None:
    """The rule the exports share, for each character OWASP lists (tab and carriage return
    included, which the services' trimming mostly removes before they reach an export)."""
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"
    assert safe_cell(f"  {start}1+1") == f"'  {start}1+1"
