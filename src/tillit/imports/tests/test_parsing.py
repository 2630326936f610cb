"""Reading CSV and XLSX files into rows, and what is refused before any row is looked at."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.utils import translation
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900
from openpyxl.worksheet._reader import WorkSheetParser

from tillit.imports import parsing
from tillit.imports.parsing import FileRefusedError, read_table
from tillit.imports.tests.files import csv_bytes, rewrite_zip, xlsx_bytes
from tillit.testing import damaged_zips


def _refused(content: bytes, filename: str) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(FileRefusedError) as caught:
        read_table(content, filename)
    return [(problem.row, problem.column, problem.code) for problem in caught.value.problems]


def test_csv_with_bom_and_semicolons_as_swedish_excel_saves_it() -> None:
    content = "\ufeffOrgnr; Name ;country\r\n556677-8899;Exempeldata;SE\r\n".encode()
    table = read_table(content, "leverantörer.CSV")
    assert table.headers == ["orgnr", "name", "country"]
    assert table.rows == [(2, ["556677-8899", "Exempeldata", "SE"])]


def test_a_byte_order_mark_in_a_column_name_is_not_part_of_it() -> None:
    content = "\ufeff\ufeffOrgnr,\ufeffName\r\n556677-8899,Exempeldata\r\n".encode()
    assert read_table(content, "f.csv").headers == ["orgnr", "name"]
    assert read_table(xlsx_bytes([["\ufeffOrgnr", "Name"], ["1", "2"]]), "f.xlsx").headers == [
        "orgnr",
        "name",
    ]


def test_csv_blank_rows_are_skipped_but_keep_their_numbers() -> None:
    content = b'a,b\r\n1,"two\nlines"\r\n,\r\n\r\n3,4\r\n'
    table = read_table(content, "f.csv")
    assert table.rows == [(2, ["1", "two\nlines"]), (5, ["3", "4"])]


def test_a_formula_looking_csv_cell_is_just_text() -> None:
    table = read_table(csv_bytes([["name"], ['=HYPERLINK("x")'], ["+1"]]), "f.csv")
    assert table.rows == [(2, ['=HYPERLINK("x")']), (3, ["+1"])]


def test_latin_1_is_refused_with_the_row_of_the_first_bad_byte() -> None:
    content = (
        "orgnr,name,country\n556677-8899,Exempeldata,SE\n556100-1008,Norrdrift Hosting AB är,SE\n"
    )
    assert _refused(content.encode("latin-1"), "f.csv") == [(3, None, "encoding")]


def test_utf_16_is_refused() -> None:
    assert _refused("a,b\n1,2\n".encode("utf-16"), "f.csv") == [(None, None, "encoding")]


def test_an_empty_file_and_a_file_without_header_are_refused() -> None:
    assert _refused(b"", "f.csv") == [(None, None, "empty")]
    assert _refused(b",,\n1,2,3\n", "f.csv") == [(1, None, "no_header")]


def test_other_file_types_are_refused() -> None:
    assert _refused(b"a,b\n", "f.xls") == [(None, None, "file_type")]
    assert _refused(b"a,b\n", "f") == [(None, None, "file_type")]


def test_a_file_over_the_size_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsing, "MAX_BYTES", 10)
    assert _refused(b"a,b\n1,2\n3,4\n", "f.csv") == [(None, None, "too_large")]


def test_more_rows_than_allowed_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsing, "MAX_ROWS", 2)
    assert len(read_table(b"a\n1\n2\n", "f.csv").rows) == 2
    assert _refused(b"a\n1\n2\n3\n", "f.csv") == [(None, None, "too_many_rows")]
    assert _refused(xlsx_bytes([["a"], [1], [2], [3]]), "f.xlsx") == [(None, None, "too_many_rows")]


def test_xlsx_values_become_text() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Start", "Hours", "Name", "Flag", "Empty"])
    excel_date = dt.datetime(2024, 1, 31)  # noqa: DTZ001 (Excel's dates have no time zone)
    sheet.append([excel_date, 24.0, " Exempel ", True, None])
    sheet.append([dt.date(2025, 2, 1), 1.5, None, False, None])
    # Text that looks like a formula, stored as text (as Excel does for '=1+1).
    sheet["C3"].value = "=1+1 as text"
    sheet["C3"].data_type = "s"
    content = xlsx_bytes(workbook)
    table = read_table(content, "f.xlsx")
    assert table.headers == ["start", "hours", "name", "flag", "empty"]
    assert table.rows == [
        (2, ["2024-01-31", "24", "Exempel", "yes"]),
        (3, ["2025-02-01", "1.5", "=1+1 as text", "no"]),
    ]


def test_the_first_sheet_the_user_sees_is_read() -> None:
    workbook = Workbook()
    hidden = workbook.active
    assert hidden is not None
    hidden.append(["name"])
    hidden.append(["Gammal lista AB"])
    hidden.sheet_state = "hidden"
    shown = workbook.create_sheet("Leverantörer")
    shown.append(["name"])
    shown.append(["Synlig AB"])
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_table(buffer.getvalue(), "f.xlsx").rows == [(2, ["Synlig AB"])]


def test_xlsx_with_a_formula_is_refused_naming_row_and_column() -> None:
    content = xlsx_bytes([["name", "hours"], ["A", 24], ["B", "=SUM(B2:B2)"]])
    assert _refused(content, "f.xlsx") == [(3, "hours", "formula")]


def test_xlsx_with_an_external_link_is_refused() -> None:
    link = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships" r:id="rId1"/></externalLink>'
    )
    content = rewrite_zip(
        xlsx_bytes([["name"], ["A"]]), {"xl/externalLinks/externalLink1.xml": link}
    )
    assert _refused(content, "f.xlsx") == [(None, None, "external_link")]


def test_a_file_that_is_not_xlsx_but_named_so_is_refused() -> None:
    assert _refused(b"orgnr,name\n1,2\n", "f.xlsx") == [(None, None, "not_xlsx")]
    truncated = xlsx_bytes([["a"]])[:100]
    assert _refused(truncated, "f.xlsx") == [(None, None, "not_xlsx")]


def test_a_workbook_with_a_damaged_directory_is_refused() -> None:
    for damaged in damaged_zips(xlsx_bytes([["a"], ["b"]])):
        assert _refused(damaged, "f.xlsx") == [(None, None, "not_xlsx")]


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    content = rewrite_zip(xlsx_bytes([["a"]]), {"xl/workbook.xml": b"<not xml"})
    assert _refused(content, "f.xlsx") == [(None, None, "not_xlsx")]
    content = rewrite_zip(xlsx_bytes([["a"]]), {"xl/workbook.xml": b"<nonsense/>"})
    assert _refused(content, "f.xlsx") == [(None, None, "empty")]


def test_a_zip_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsing, "MAX_UNPACKED", 1000)
    assert _refused(xlsx_bytes([["a"], ["x" * 2000]]), "f.xlsx") == [(None, None, "zip_bomb")]


def test_openpyxl_parses_xml_through_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>
</worksheet>"""


def test_an_xml_entity_bomb_in_a_sheet_is_refused_not_expanded() -> None:
    content = rewrite_zip(xlsx_bytes([["a"]]), {"xl/worksheets/sheet1.xml": BILLION_LAUGHS})
    assert _refused(content, "f.xlsx") == [(None, None, "xml_entities")]


@pytest.mark.parametrize(
    "declaration",
    [
        b'<!DOCTYPE worksheet [<!ENTITY name "Lon">]>',  # harmless, still refused
        b'<!DOCTYPE worksheet [<!ENTITY name SYSTEM "file:///etc/passwd">]>',
        b'<!DOCTYPE worksheet [<!ENTITY x "&y;"><!ENTITY y "&x;"><!ENTITY name "&x;">]>',
    ],
)
def test_a_sheet_with_any_doctype_is_refused(declaration: bytes) -> None:
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?>' + declaration + b"<worksheet "
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&name;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    content = rewrite_zip(xlsx_bytes([["a"]]), {"xl/worksheets/sheet1.xml": sheet})
    assert _refused(content, "f.xlsx") == [(None, None, "xml_entities")]


def test_a_sheet_with_broken_xml_is_not_read_as_a_workbook() -> None:
    content = _with_sheet(b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</is></c></row>')
    assert _refused(content, "f.xlsx") == [(None, None, "not_xlsx")]


def test_comments_and_processing_instructions_in_a_row_are_left_out() -> None:
    content = _with_sheet(
        b'<row r="1"><!-- a --><?pi x?><c r="A1" t="inlineStr"><is><t>namn</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>Lon</t></is></c><!-- b --></row>'
    )
    table = read_table(content, "f.xlsx")
    assert (table.headers, table.rows) == (["namn"], [(2, ["Lon"])])


def test_a_sheet_that_declares_too_small_a_size_is_read_to_its_end() -> None:
    content = xlsx_bytes([["a"], ["1"], ["2"], ["3"]])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    xml = xml.replace(b'<dimension ref="A1:A4"/>', b'<dimension ref="A1:A2"/>')
    assert b'ref="A1:A2"' in xml
    table = read_table(rewrite_zip(content, {"xl/worksheets/sheet1.xml": xml}), "f.xlsx")
    assert [row for _number, row in table.rows] == [["1"], ["2"], ["3"]]


def _with_sheet(rows_xml: bytes) -> bytes:
    """A workbook whose first sheet holds these <row> elements and nothing else."""
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + rows_xml + b"</sheetData></worksheet>"
    )
    return rewrite_zip(xlsx_bytes([["a"]]), {"xl/worksheets/sheet1.xml": sheet})


def test_a_write_only_workbook_with_inline_strings_is_read_as_any_other() -> None:
    rows: list[list[object]] = [
        ["Name", "Hours", "Empty", "Start"],
        ["Exempel", 24, "", dt.date(2024, 1, 31)],
    ]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    written_only = read_table(xlsx_bytes(workbook), "f.xlsx")
    assert written_only == read_table(xlsx_bytes(rows), "f.xlsx")
    assert written_only.rows == [(2, ["Exempel", "24", "", "2024-01-31"])]


def test_inline_strings_in_every_form_and_cells_and_rows_left_out() -> None:
    content = _with_sheet(
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c>'
        b'<c r="C1" t="inlineStr"><is><t xml:space="preserve"> Note </t></is></c></row>'
        # Row 2 is left out; row 3 has rich text in runs, an empty text and a gap at B.
        b'<row r="3"><c r="A3" t="inlineStr"><is><r><t>Exem</t></r><r><rPr><b/></rPr>'
        b'<t>pel</t></r></is></c><c r="C3" t="inlineStr"><is><t/></is></c></row>'
        b'<row r="4"><c r="A4" t="inlineStr"><is><t>Ett</t><rPh sb="0" eb="1"><t>x</t></rPh>'
        b'</is></c><c r="C4" t="inlineStr"><is><t>tv\xc3\xa5</t></is></c></row>'
    )
    table = read_table(content, "f.xlsx")
    assert table.headers == ["name", "", "note"]
    assert table.rows == [(3, ["Exempel", "", ""]), (4, ["Ett", "", "två"])]


def test_cells_without_a_value_are_empty_without_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    content = _with_sheet(
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>Note</t></is></c></row>'
        # Styled and left blank (as Excel writes them), and empty strings of each type.
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>Ett</t></is></c><c r="B2" s="1"/></row>'
        b'<row r="3"><c r="A3" t="n"/><c r="B3" t="inlineStr"></c></row>'
        b'<row r="4"><c r="A4" t="s"/><c r="B4" t="inlineStr"><is><t>Fyra</t></is></c></row>'
    )
    # openpyxl's own reading of a cell costs ten times the direct one: these do without it.
    monkeypatch.setattr(WorkSheetParser, "parse_cell", _not_called)

    table = read_table(content, "f.xlsx")

    assert table.rows == [(2, ["Ett", ""]), (4, ["", "Fyra"])]


def _not_called(*args: object) -> None:
    raise AssertionError("openpyxl read a cell")


def _with_shared_strings(rows_xml: bytes, *strings: str) -> bytes:
    """A workbook whose sheet holds these rows, with these strings in its table of shared
    strings (where Excel keeps text; openpyxl writes it inline, so the table is added)."""
    items = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in strings)
    table = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{items}</sst>"
    ).encode()
    content = _with_sheet(rows_xml)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        types = archive.read("[Content_Types].xml")
    kind = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    override = b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + kind + b'"/></Types>'
    changes = {
        "xl/sharedStrings.xml": table,
        "[Content_Types].xml": types.replace(b"</Types>", override),
    }
    return rewrite_zip(content, changes)


def test_shared_strings_as_excel_writes_text_and_rows_and_cells_without_positions() -> None:
    content = _with_shared_strings(
        b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        # No positions: the row after 1 and the cells from A.
        b'<row><c t="s"><v>2</v></c><c t="s"><v>3</v></c></row>'
        b'<row r="3.0"><c r="B3" t="s"><v>2</v></c><c r="C3" t="s"><v></v></c></row>'
        # A shared-string cell holding an inline string instead: empty, as openpyxl reads it.
        b'<row r="4"><c r="A4" t="s"><is><t>x</t></is></c><c r="B4" t="s"><v>1</v></c></row>',
        "Name",
        "Note",
        "Lön",
        " med mellanslag ",
    )
    table = read_table(content, "f.xlsx")
    assert table.headers == ["name", "note"]
    assert table.rows == [
        (2, ["Lön", "med mellanslag"]),
        (3, ["", "Lön", ""]),
        (4, ["", "Note"]),
    ]


@pytest.mark.parametrize("index", [b"7", b"x"])
def test_a_shared_string_that_is_not_in_the_table_is_refused(index: bytes) -> None:
    content = _with_shared_strings(
        b'<row r="1"><c r="A1" t="s"><v>' + index + b"</v></c></row>", "a"
    )
    assert _refused(content, "f.xlsx") == [(None, None, "not_xlsx")]


@pytest.mark.parametrize("number", [b"1.5", b"ett"])
def test_a_row_numbered_with_other_than_a_whole_number_is_refused(number: bytes) -> None:
    content = _with_sheet(b'<row r="' + number + b'"><c t="inlineStr"><is><t>a</t></is></c></row>')
    assert _refused(content, "f.xlsx") == [(None, None, "not_xlsx")]


def test_an_inline_string_formula_is_refused_as_a_formula() -> None:
    content = _with_sheet(
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><f>A1</f><is><t>x</t></is></c></row>'
    )
    assert _refused(content, "f.xlsx") == [(2, "name", "formula")]


def test_a_sheet_without_row_1_has_no_header() -> None:
    content = _with_sheet(b'<row r="2"><c r="A2" t="inlineStr"><is><t>name</t></is></c></row>')
    assert _refused(content, "f.xlsx") == [(1, None, "no_header")]


def test_a_sheet_that_is_not_xml_is_refused() -> None:
    content = rewrite_zip(xlsx_bytes([["a"]]), {"xl/worksheets/sheet1.xml": b"<worksheet><row"})
    assert _refused(content, "f.xlsx") == [(None, None, "not_xlsx")]


@pytest.mark.parametrize(
    ("content", "row", "message"),
    [
        # A quote left open swallowed every row after it into one name, without a word.
        (
            'orgnr,name\r\n556016-0680,"Acme AB\r\n556036-0793,Beta AB\r\n',
            2,
            "A quote on this row is never closed: the file ends inside the cell.",
        ),
        # Read as "Acme AB": the quotes were dropped.
        (
            'orgnr,name\r\n556016-0680,Acme\r\n556036-0793,"Beta" AB\r\n',
            3,
            "A cell that begins with a quote must end with it, before the next separator.",
        ),
        # In English only, from the csv module.
        (
            "orgnr,name\r\n556016-0680," + "x" * 140_000 + "\r\n",
            2,
            "A cell on this row is longer than 131072 characters.",
        ),
    ],
)
def test_csv_that_cannot_be_read_is_refused_with_its_row_in_the_users_language(
    content: str, row: int, message: str
) -> None:
    with translation.override("en"), pytest.raises(FileRefusedError) as caught:
        read_table(content.encode(), "f.csv")
    assert [(p.row, p.code, p.message) for p in caught.value.problems] == [(row, "csv", message)]
    with translation.override("sv"), pytest.raises(FileRefusedError) as caught:
        read_table(content.encode(), "f.csv")
    assert caught.value.problems[0].message != message  # and in Swedish


def test_xlsx_cells_written_out_of_column_order_keep_their_columns() -> None:
    """The row's width was taken from its last cell: cells after it were dropped."""
    content = _with_sheet(
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>Note</t></is></c>'
        b'<c r="C1" t="inlineStr"><is><t>Hours</t></is></c></row>'
        b'<row r="2"><c r="C2" t="inlineStr"><is><t>24</t></is></c>'
        b'<c r="A2" t="inlineStr"><is><t>First</t></is></c></row>'
    )
    assert read_table(content, "f.xlsx").rows == [(2, ["First", "", "24"])]


def test_a_nul_character_is_refused_with_its_row() -> None:
    # PostgreSQL stores no NUL in text: the file is refused, not half read.
    content = b"orgnr,name\n556677-8899,Exempel\n556100-1008,Norr\x00drift\n"
    assert _refused(content, "f.csv") == [(3, None, "nul")]


@pytest.mark.parametrize("epoch", [CALENDAR_WINDOWS_1900, CALENDAR_MAC_1904])
def test_numbers_and_dates_are_read_directly_as_openpyxl_reads_them(
    monkeypatch: pytest.MonkeyPatch, epoch: dt.datetime
) -> None:
    """As Excel writes them: a number in <v>, a date as a number in a date style."""
    workbook = Workbook()
    workbook.epoch = epoch
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["number", "date", "time of day", "duration", "custom"])
    rows: list[list[object]] = [
        [7, dt.date(2025, 6, 5), dt.datetime(2024, 2, 29, 13, 30), dt.time(8, 15), 45_000],  # noqa: DTZ001
        [-3, dt.date(1999, 12, 31), dt.datetime(2030, 1, 1), dt.timedelta(hours=30), 1.5],  # noqa: DTZ001
        [1.5e20, dt.date(2025, 6, 5), None, None, 0],
        [24.0, None, None, None, 60],
        [12_345_678_901_234, None, None, None, 61],
    ]
    for row in rows:
        sheet.append(row)
    for cell in sheet["E"][1:]:
        cell.number_format = "d mmmm yyyy"  # a date style of the workbook's own
    content = xlsx_bytes(workbook)
    monkeypatch.setattr(WorkSheetParser, "parse_cell", _not_called)

    direct = read_table(content, "f.xlsx")

    # The custom column's serials count from the workbook's epoch (60: Excel's 29 February
    # 1900, which never was); the rest are written and read as dates whatever the epoch.
    custom = {
        CALENDAR_WINDOWS_1900: ["2023-03-15", "1900-01-01 12:00:00", "1900-02-28", "1900-03-01"],
        CALENDAR_MAC_1904: ["2027-03-16", "1904-01-02 12:00:00", "1904-03-01", "1904-03-02"],
    }[epoch]
    assert direct.rows == [
        (2, ["7", "2025-06-05", "2024-02-29 13:30:00", "08:15:00", custom[0]]),
        (3, ["-3", "1999-12-31", "2030-01-01", "1 day, 6:00:00", custom[1]]),
        (4, ["150000000000000000000", "2025-06-05", "", "", "00:00:00"]),
        (5, ["24", "", "", "", custom[2]]),
        (6, ["12345678901234", "", "", "", custom[3]]),
    ]
    # The same as openpyxl's own reading of the cells.
    monkeypatch.undo()
    monkeypatch.setattr(parsing._SheetParser, "_number", lambda *_args: None)
    assert read_table(content, "f.xlsx") == direct


def test_a_date_out_of_range_is_an_error_value_as_openpyxl_reads_it() -> None:
    content = xlsx_bytes([["start"], [dt.date(2025, 6, 5)]])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    serial = b"<v>45813</v>"
    assert serial in xml
    damaged = rewrite_zip(content, {"xl/worksheets/sheet1.xml": xml.replace(serial, b"<v>9e9</v>")})
    with pytest.warns(UserWarning, match="outside the limits for dates"):
        assert _refused(damaged, "f.xlsx") == [(2, "start", "cell_error")]


@pytest.mark.parametrize("value", [b"1,5", b"ett", b"--2"])
def test_a_number_that_is_not_one_is_refused(value: bytes) -> None:
    content = _with_sheet(
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>hours</t></is></c></row>'
        b'<row r="2"><c r="A2"><v>' + value + b"</v></c></row>"
    )
    assert _refused(content, "f.xlsx") == [(None, None, "not_xlsx")]
