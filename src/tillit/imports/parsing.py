"""Reading an uploaded table, CSV or XLSX, into rows of text, and refusing what is unsafe.

CSV must be UTF-8 (with or without BOM) and separated by commas or semicolons (Swedish Excel
writes semicolons), sniffed from the header row. XLSX is read with openpyxl in read-only mode,
which streams the sheet instead of building it in memory. With defusedxml installed openpyxl
parses every part through it, so a DOCTYPE with entities (billion laughs, external entities) is
refused rather than expanded. The worksheet itself, where the rows are, is streamed through
lxml's parser instead (defusedxml's is written in Python: 100,000 rows were read in 11.5 s; with
lxml and text cells read directly, 4 s), with entities left unexpanded, nothing fetched, and a
sheet with any DOCTYPE refused.
Formulas and links to other workbooks are refused too: an import takes values, not results
computed from somewhere else.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Generator, Iterator
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import openpyxl

# defusedxml ships no type information (and no stubs are installed).
from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from django.utils.translation import gettext as _

# lxml ships no type information (and no stubs are installed).
from lxml import etree  # type: ignore[import-untyped]
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet import _reader
from openpyxl.worksheet._reader import INLINE_STRING, ROW_TAG, VALUE_TAG, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

from tillit.imports.problems import Problem

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
# An XLSX is a zip: refuse one that would expand beyond this (a zip bomb).
MAX_UNPACKED = 500 * 1024 * 1024
# Excel's own limit. Rows beyond it can only come from a crafted file, and empty rows that
# are only formatted (which do not count towards MAX_ROWS) must not be read forever.
MAX_SHEET_ROWS = 1_048_576
_TEXT_TAG = f"{{{SHEET_MAIN_NS}}}t"
# Cells with no value that openpyxl reads as empty: one styled and left blank, as Excel writes
# them, or an empty inline string, as openpyxl writes "" (a cell of any other type, an error
# say, is read by openpyxl).
_VALUELESS = frozenset({None, "n", "s", "inlineStr"})
# libxml2's errors about entities, and its limit on what they may expand to.
_ENTITY_ERRORS = frozenset(
    getattr(etree.ErrorTypes, name) for name in dir(etree.ErrorTypes) if "ENTITY" in name
) | {etree.ErrorTypes.ERR_RESOURCE_LIMIT}


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
            headers = [_column_name(cell) for cell in cells]
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
    if "\x00" in text:  # PostgreSQL stores none in text (and XML, so XLSX, cannot hold one)
        row = text.count("\n", 0, text.index("\x00")) + 1
        raise _refused(
            _("The row holds a NUL character (code 0), which cannot be imported."), "nul", row
        )
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    # strict: a quote left open swallowed every row after it into one cell, without a word.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [cell.strip() for cell in cells]
    except csv.Error as exc:
        raise _refused(_csv_error(str(exc)), "csv", number + 1) from None


def _column_name(text: str) -> str:
    """A header cell as a column name: a byte order mark in it (a second one, or one a tool
    wrote into a cell) is invisible, and made "orgnr" an unknown column beside a missing one."""
    return text.replace("\ufeff", "").strip().lower()


def _csv_error(error: str) -> str:
    """The csv module's error in the user's language (it has no codes, only English text)."""
    if error.startswith("unexpected end of data"):
        return _("A quote on this row is never closed: the file ends inside the cell.")
    if "expected after" in error:
        return _("A cell that begins with a quote must end with it, before the next separator.")
    if error.startswith("field larger than field limit"):
        return _("A cell on this row is longer than %(limit)s characters.") % {
            "limit": csv.field_size_limit()
        }
    return _("The row cannot be read as CSV.")


# XLSX


def _read_xlsx(content: bytes) -> Table:
    if not openpyxl.DEFUSEDXML:
        # Without defusedxml openpyxl would expand entities: refuse rather than risk it.
        raise RuntimeError("defusedxml must be installed to read XLSX files safely")
    _check_archive(content)
    try:
        reader = _open_workbook(content)
        path = _first_worksheet(reader)
    except Exception as exc:  # A malformed workbook fails in many ways, which all mean the same.
        raise _malformed(exc) from None
    try:
        # A private attribute, not in openpyxl's type stubs; it holds the workbook's links.
        if reader.wb._external_links:  # type: ignore[attr-defined]
            raise _links_refused()
        if path is None:
            raise _refused(_("The workbook has no worksheet."), "empty")
        with reader.archive.open(path) as source:
            parser = _SheetParser(
                source,
                reader.shared_strings,
                data_only=False,
                epoch=reader.wb.epoch,
                date_formats=reader.wb._date_formats,  # type: ignore[attr-defined]
                timedelta_formats=reader.wb._timedelta_formats,  # type: ignore[attr-defined]
            )
            return _sheet_table(parser)
    finally:
        reader.archive.close()


def _open_workbook(content: bytes) -> ExcelReader:
    """What openpyxl's load_workbook(read_only=True) reads, less the theme and the defined
    names (of no use to an import) and the worksheets: it would parse every sheet to its end
    for a size that is not declared (openpyxl's write-only mode declares none), which takes
    seconds for 100,000 rows. The size is not used anyway: the sheet is read to its end."""
    reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=False, keep_links=True)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    reader.read_properties()
    reader.read_custom()
    apply_stylesheet(reader.archive, reader.wb)
    return reader


def _first_worksheet(reader: ExcelReader) -> str | None:
    """The path of the first worksheet the user sees: a hidden one before it (an old list,
    say) was read in its place, without a word."""
    for sheet, relation in reader.parser.find_sheets():
        if (
            sheet.state == "visible"
            and relation.target in reader.valid_files
            and "chartsheet" not in relation.Type
        ):
            return str(relation.target)
    return None


def _malformed(exc: BaseException) -> FileRefusedError:
    if _defused(exc):
        return _xml_refused()
    return _refused(_("The file cannot be read as an Excel workbook (.xlsx)."), "not_xlsx")


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
    except Exception:  # as for documents (documents.validation): many failures, one meaning
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


class _SheetParser(WorkSheetParser):
    """openpyxl's parser of a worksheet, reading only the rows, through lxml, and with a quicker
    path for the commonest cells, which it turns into text at once: text as a shared string
    (how Excel writes it) or a plain inline string, <is><t>text</t></is> (how openpyxl's
    write-only mode and many exporters write it), and numbers, dates among them (Excel writes
    a date as a number in a date style). Every other cell (booleans, formulas, errors, rich
    text, a date out of range) is parsed by openpyxl itself."""

    def parse(self) -> Generator[tuple[int, list[tuple[int, str | dict[str, Any]]]], None, None]:
        rows = etree.iterparse(
            self.source,
            events=("end",),
            tag=ROW_TAG,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        try:
            for number, (_event, element) in enumerate(rows):
                if number == 0 and element.getroottree().docinfo.internalDTD is not None:
                    raise _xml_refused()
                yield self._row(element)
                # Rows already read are let go: the tree stays one row deep.
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
        except etree.XMLSyntaxError as exc:
            # libxml2 stops an entity bomb itself, before the first row.
            if exc.code in _ENTITY_ERRORS:
                raise _xml_refused() from None
            raise

    def _row(self, row: Any) -> tuple[int, list[tuple[int, str | dict[str, Any]]]]:
        """The row's number and its cells: (column, text) for the commonest cells, the text of
        a shared or inline string, and (column, openpyxl's dict of the cell) for the rest."""
        number = row.get("r")
        self.row_counter = self.row_counter + 1 if number is None else _row_number(number)
        self.col_counter = 0
        return self.row_counter, [self._cell(element) for element in row]

    def _cell(self, element: Any) -> tuple[int, str | dict[str, Any]]:
        kind = element.get("t")
        children = len(element)
        # One child (a value or an inline string, no formula), reached directly: lxml's find
        # and findtext go through its path language in Python, and took half of the time.
        text = None
        if not children and kind in _VALUELESS:
            text = ""
        elif children == 1:
            child = element[0]
            if kind == "s" and child.tag == VALUE_TAG:
                index = child.text
                if index and index.isdigit():
                    with suppress(IndexError):  # openpyxl's parse_cell then raises it
                        text = self.shared_strings[int(index)]
            elif (
                kind == "inlineStr"
                and child.tag == INLINE_STRING
                and len(child) == 1
                and not child.attrib
                and child[0].tag == _TEXT_TAG
            ):  # <is><t>text</t></is>
                text = child[0].text or ""
            elif kind in (None, "n") and child.tag == VALUE_TAG:
                text = self._number(element, child.text)
        if not isinstance(text, str):
            cell = super().parse_cell(element)
            return cell["column"], cell
        coordinate = element.get("r")
        if coordinate:
            self.col_counter = _column_number(coordinate)
        else:
            self.col_counter += 1
        return self.col_counter, text.strip()

    def _number(self, element: Any, text: str | None) -> str | None:
        """A number as text, or the date its style makes it (as Excel writes dates); None
        for a date out of range, which openpyxl reads as an error."""
        if not text:
            return ""
        # openpyxl's own conversion (private, not in its type stubs): a malformed number
        # raises as it does there.
        number = _reader._cast_number(text)  # type: ignore[attr-defined]
        style = element.get("s", 0)
        if style:
            style = int(style)
        if style not in self.date_formats:
            return _text(number)
        return _date_text(number, self.epoch, style in self.timedelta_formats)


# A sheet repeats its dates (contracts start on the first of a month): each is converted once.
@lru_cache(maxsize=4096)
def _date_text(number: float, epoch: dt.datetime, timedelta: bool) -> str | None:
    try:
        return _text(from_excel(number, epoch, timedelta=timedelta))
    except (OverflowError, ValueError):
        return None


def _row_number(text: str) -> int:
    """As openpyxl reads it: "12", or "12.0"; anything else is malformed (ValueError)."""
    if text.isdigit():
        return int(text)
    number = float(text)
    if not number.is_integer():
        raise ValueError(f"{text} is not a row number")
    return int(number)


def _column_number(coordinate: str) -> int:
    # openpyxl remembers every column name it has converted.
    return column_index_from_string(coordinate.rstrip("0123456789"))


def _sheet_rows(parser: _SheetParser) -> Iterator[tuple[int, list[str | dict[str, Any] | None]]]:
    """Each row's cells by position (None where the sheet has none), numbered from 1 with the
    rows the sheet leaves out given as empty, as openpyxl's read-only worksheet gives them."""
    expected = 1
    rows = parser.parse()
    while True:
        try:
            number, cells = next(rows)
        except StopIteration:
            return
        except FileRefusedError:
            raise
        except Exception as exc:  # Malformed XML in the sheet, as in the workbook.
            raise _malformed(exc) from None
        while expected < number:
            yield expected, []
            expected += 1
        if expected == number:  # a row that repeats or goes back is left out, as openpyxl does
            width = max((column for column, _cell in cells), default=0)  # in any order
            positions: list[str | dict[str, Any] | None] = [None] * max(width, 0)
            for column, cell in cells:
                if 1 <= column <= width:
                    positions[column - 1] = cell
            yield number, positions
            expected += 1


def _sheet_table(parser: _SheetParser) -> Table:
    problems: list[Problem] = []
    headers: list[str] = []

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, cells in _sheet_rows(parser):
            if number > MAX_SHEET_ROWS:
                raise _refused(_("The worksheet has too many rows."), "too_many_rows")
            values = []
            for position, cell in enumerate(cells):
                if cell is None or isinstance(cell, str):
                    values.append(cell or "")
                else:
                    values.append(_cell_text(cell, number, _column(headers, position), problems))
            if number == 1:
                headers.extend(_column_name(value) for value in values)
            yield number, values

    table = _table(rows())
    if problems:
        raise FileRefusedError(problems)
    return table


def _column(headers: list[str], position: int) -> str:
    if position < len(headers) and headers[position]:
        return headers[position]
    return get_column_letter(position + 1)


def _cell_text(cell: dict[str, Any], row: int, column: str, problems: list[Problem]) -> str:
    if cell["data_type"] == "f":
        problems.append(
            Problem(row, column, _("The cell holds a formula: replace it by its value."), "formula")
        )
        return ""
    if cell["data_type"] == "e":
        problems.append(
            Problem(
                row,
                column,
                _("The cell holds an error value (%(value)s).") % {"value": cell["value"]},
                "cell_error",
            )
        )
        return ""
    return _text(cell["value"])


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
