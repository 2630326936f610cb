"""Every kind of bad input: each problem named by row and column where there is one, and
nothing written."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from openpyxl import Workbook

from tillit.imports import parsing
from tillit.imports.tests.conftest import World
from tillit.imports.tests.files import (
    CONTRACT_COLUMNS,
    counts,
    csv_bytes,
    rewrite_zip,
    run,
    where,
    xlsx_bytes,
)
from tillit.imports.tests.test_parsing import BILLION_LAUGHS
from tillit.imports.tests.test_systems import HEADER as SYSTEM_COLUMNS

Expected = list[tuple[int | None, str | None, str]]


def _row(world: World, **values: str) -> list[str]:
    row = {
        "organisation_orgnr": world.orgnr,
        "supplier_orgnr": "556677-8899",
        "system_name": "Personalsystem",
        "start": "2024-01-01",
        "end": "2027-12-31",
        "dpa_signed": "",
        "data_locations": "SE",
        "incident_notice_hours": "24",
    } | values
    return [row[column] for column in CONTRACT_COLUMNS]


def _contracts(world: World, **values: str) -> bytes:
    return csv_bytes([CONTRACT_COLUMNS, _row(world), _row(world, **values)])


def _check(world: World, content: bytes, expected: Expected, filename: str = "f.csv") -> None:
    before = counts()
    result = run("contracts", content, filename=filename, organisation=world.personas.org_a)
    assert where(result) == expected
    assert result.errors
    assert all(problem.message for problem in result.errors)
    assert counts() == before


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"start": "2024-02-30"}, [(3, "start", "date")]),
        ({"start": "1/2/2024"}, [(3, "start", "date")]),
        ({"dpa_signed": "igår"}, [(3, "dpa_signed", "date")]),
        ({"end": "2023-12-31"}, [(3, "end", "end_before_start")]),
        ({"organisation_orgnr": "212000-0143"}, [(3, "organisation_orgnr", "orgnr_check_digit")]),
        ({"supplier_orgnr": "5566778898"}, [(3, "supplier_orgnr", "orgnr_check_digit")]),
        ({"supplier_orgnr": "12345"}, [(3, "supplier_orgnr", "orgnr_format")]),
        ({"supplier_orgnr": "556016-0656"}, [(3, "supplier_orgnr", "unknown_supplier")]),
        ({"system_name": "Okänt"}, [(3, "system_name", "unknown_system")]),
        ({"data_locations": "SE,FI"}, [(3, "data_locations", "country")]),
        ({"incident_notice_hours": "24h"}, [(3, "incident_notice_hours", "integer")]),
    ],
)
def test_a_bad_cell(world: World, values: dict[str, str], expected: Expected) -> None:
    # The first row is good; the bad one is row 3 (and would repeat row 2 were it good).
    content = csv_bytes([CONTRACT_COLUMNS, _row(world, system_name="Annat"), _row(world, **values)])
    expected = [(2, "system_name", "unknown_system"), *expected]
    _check(world, content, expected)


def test_wrong_encoding(world: World) -> None:
    content = _contracts(world, system_name="Lönesystem").decode().encode("latin-1")
    _check(world, content, [(3, None, "encoding")])


def test_a_nul_character(world: World) -> None:
    # On PostgreSQL it reached the database and failed there.
    _check(world, _contracts(world, system_name="Löne\x00system"), [(3, None, "nul")])


def test_missing_and_unknown_columns(world: World) -> None:
    columns = [c for c in CONTRACT_COLUMNS if c != "end"] + ["notes"]
    content = csv_bytes([columns, ["x"] * len(columns)])
    _check(world, content, [(1, "notes", "unknown_column"), (1, "end", "missing_column")])


def test_a_cell_beyond_the_columns(world: World) -> None:
    content = csv_bytes([CONTRACT_COLUMNS, [*_row(world), "extra"]])
    _check(world, content, [(2, "I", "unnamed_cell")])


def test_a_header_without_rows(world: World) -> None:
    _check(world, csv_bytes([CONTRACT_COLUMNS]), [(None, None, "no_rows")])


def test_unknown_enum_value_and_level_5(world: World) -> None:
    before = counts()
    row = [world.orgnr, "Nytt system", 5, 2, 2, 2, "secret", "no", 0]
    result = run("systems", csv_bytes([SYSTEM_COLUMNS, row]), organisation=world.personas.org_a)
    assert where(result) == [(2, "confidentiality", "level_range"), (2, "personal_data", "choice")]
    assert counts() == before


def _workbook_with_formula(world: World) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(CONTRACT_COLUMNS)
    sheet.append(_row(world))
    sheet["H2"] = "=12*2"
    return xlsx_bytes(workbook)


def _external_link(world: World) -> bytes:
    link = b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    content = xlsx_bytes([CONTRACT_COLUMNS, _row(world)])
    return rewrite_zip(content, {"xl/externalLinks/externalLink1.xml": link})


def _entity_bomb(world: World) -> bytes:
    content = xlsx_bytes([CONTRACT_COLUMNS, _row(world)])
    return rewrite_zip(content, {"xl/worksheets/sheet1.xml": BILLION_LAUGHS})


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (_workbook_with_formula, [(2, "incident_notice_hours", "formula")]),
        (_external_link, [(None, None, "external_link")]),
        (_entity_bomb, [(None, None, "xml_entities")]),
        (lambda world: _contracts(world), [(None, None, "not_xlsx")]),
    ],
)
def test_a_bad_workbook(world: World, build: Callable[[World], bytes], expected: Expected) -> None:
    _check(world, build(world), expected, filename="avtal.xlsx")


def test_a_good_workbook_imports(world: World) -> None:
    content = xlsx_bytes([CONTRACT_COLUMNS, _row(world)])
    result = run("contracts", content, filename="avtal.xlsx", organisation=world.personas.org_a)
    assert result.ok, result.errors
    assert result.created == 1


def test_a_huge_file(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsing, "MAX_BYTES", 100)
    _check(world, _contracts(world, system_name="Annat"), [(None, None, "too_large")])


def test_too_many_rows(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsing, "MAX_ROWS", 1)
    _check(world, _contracts(world, system_name="Annat"), [(None, None, "too_many_rows")])
