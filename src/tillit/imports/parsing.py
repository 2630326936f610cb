"""Reading an uploaded table, CSV or XLSX, into rows of text, and refusing what is unsafe.

CSV must be UTF-8 (with or without BOM) and separated by commas or semicolons (Swedish Excel
writes semicolons), sniffed from the header row. XLSX is read with openpyxl in read-only mode,
which streams the sheet instead of building it in memory. With defusedxml installed openpyxl
parses every part through it, so a DOCTYPE with entities (billion laughs, external entities) is
refused rather than expanded. Formulas and links to other workbooks are refused too: an import
takes values, not results computed from somewhere else.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import openpyxl

# defusedxml ships no type information (and no stubs are installed).
from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from tillit.imports.problems import Problem

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
# An XLSX is a zip: refuse one that would expand beyond this (a zip bomb).
MAX_UNPACKED = 500 * 1024 * 1024
# Excel's own limit. Rows beyond it can only come from a crafted file, and empty rows that
# are only formatted (which do not count towards MAX_ROWS) must not be read forever.
MAX_SHEET_ROWS = 1_048_576


class FileRefusedError(Exception):
    """The file cannot be read as a table; problems say why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


@dataclass(frozen=True)
class Table:
    """The header's column names (stripped, lower-case) and the data rows that are not empty,
    each with its number in the file."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]


def read_table(content: bytes, filename: str) -> Table:
    if len(content) > MAX_BYTES:
        raise _refused(
            _("The file is larger than %(size)s MB: split it into several files.")
            % {"size": MAX_BYTES // (1024 * 1024)},
            "too_large",
        )
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "csv":
        return _table(_csv_rows(content))
    if extension == "xlsx":
        return _read_xlsx(content)
    raise _refused(_("Upload a CSV file (.csv) or an Excel workbook (.xlsx)."), "file_type")


def _refused(message: str, code: str, row: int | None = None) -> FileRefusedError:
    return FileRefusedError([Problem(row, None, message, code)])


def _table(rows: Iterator[tuple[int, list[str]]]) -> Table:
    """The first row is the header; blank rows are left out but keep their numbers."""
    headers: list[str] | None = None
    data: list[tuple[int, list[str]]] = []
    for number, cells in rows:
        if headers is None:
            if not any(cells):
                raise _refused(_("Row 1 must hold the column names."), "no_header", 1)
            headers = [cell.strip().lower() for cell in cells]
        elif any(cells):
            if len(data) == MAX_ROWS:
                raise _refused(
                    _("The file has more than %(rows)s rows: split it into several files.")
                    % {"rows": MAX_ROWS},
                    "too_many_rows",
                )
            data.append((number, cells))
    if headers is None:
        raise _refused(_("The file is empty."), "empty")
    return Table(headers, data)


# CSV


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    if content.startswith(codecs.BOM_UTF8):
        content = content[len(codecs.BOM_UTF8) :]
    not_utf8 = _("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _refused(not_utf8, "encoding")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _refused(not_utf8, "encoding", content.count(b"\n", 0, exc.start) + 1) from None
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [cell.strip() for cell in cells]
    except csv.Error as exc:
        raise _refused(
            _("The row cannot be read as CSV: %(error)s") % {"error": exc}, "csv", number + 1
        ) from None


# XLSX


def _read_xlsx(content: bytes) -> Table:
    if not openpyxl.DEFUSEDXML:
        # Without defusedxml openpyxl would expand entities: refuse rather than risk it.
        raise RuntimeError("defusedxml must be installed to read XLSX files safely")
    _check_archive(content)
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=False, keep_links=True
        )
    except Exception as exc:  # A malformed workbook fails in many ways, which all mean the same.
        if _defused(exc):
            raise _xml_refused() from None
        raise _refused(
            _("The file cannot be read as an Excel workbook (.xlsx)."), "not_xlsx"
        ) from None
    try:
        # A private attribute, not in openpyxl's type stubs; it holds the workbook's links.
        if workbook._external_links:  # type: ignore[attr-defined]
            raise _links_refused()
        if not workbook.worksheets:
            raise _refused(_("The workbook has no worksheet."), "empty")
        return _sheet_table(workbook.worksheets[0])
    except DefusedXmlException:
        raise _xml_refused() from None
    finally:
        workbook.close()


def _defused(exc: BaseException | None) -> bool:
    """Whether defusedxml refused the XML, perhaps behind openpyxl's own exception."""
    while exc is not None:
        if isinstance(exc, DefusedXmlException):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _xml_refused() -> FileRefusedError:
    return _refused(
        _("The workbook contains XML entity declarations, which Tillit refuses for safety."),
        "xml_entities",
    )


def _links_refused() -> FileRefusedError:
    return _refused(
        _("The workbook links to other workbooks: copy the values into it and remove the links."),
        "external_link",
    )


def _check_archive(content: bytes) -> None:
    not_xlsx = _refused(_("The file is not an Excel workbook (.xlsx)."), "not_xlsx")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise not_xlsx from None
    with archive:
        names = archive.namelist()
        if "[Content_Types].xml" not in names:
            raise not_xlsx
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
            raise _refused(
                _("The file expands to more than %(size)s MB when unpacked.")
                % {"size": MAX_UNPACKED // (1024 * 1024)},
                "zip_bomb",
            )
        if any(name.startswith("xl/externalLinks/") for name in names):
            raise _links_refused()


def _sheet_table(sheet: Any) -> Table:
    problems: list[Problem] = []
    headers: list[str] = []

    # The size the sheet declares may be wrong (then rows beyond it would be skipped silently).
    sheet.reset_dimensions()

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            if number > MAX_SHEET_ROWS:
                raise _refused(_("The worksheet has too many rows."), "too_many_rows")
            values = []
            for position, cell in enumerate(cells):
                values.append(_cell_text(cell, number, _column(headers, position), problems))
            if number == 1:
                headers.extend(value.strip().lower() for value in values)
            yield number, values

    table = _table(rows())
    if problems:
        raise FileRefusedError(problems)
    return table


def _column(headers: list[str], position: int) -> str:
    if position < len(headers) and headers[position]:
        return headers[position]
    return get_column_letter(position + 1)


def _cell_text(cell: Any, row: int, column: str, problems: list[Problem]) -> str:
    if cell.data_type == "f":
        problems.append(
            Problem(row, column, _("The cell holds a formula: replace it by its value."), "formula")
        )
        return ""
    if cell.data_type == "e":
        problems.append(
            Problem(
                row,
                column,
                _("The cell holds an error value (%(value)s).") % {"value": cell.value},
                "cell_error",
            )
        )
        return ""
    return _text(cell.value)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()
