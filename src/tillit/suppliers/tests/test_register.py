from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tillit.conftest import Personas
from tillit.suppliers.register import (
    RegisterRow,
    header,
    register_csv,
    register_rows,
    register_xlsx,
)
from tillit.suppliers.selectors import personal_data_assets
from tillit.suppliers.services import data_location_add, processor_agreement_set, subprocessor_add
from tillit.testing import make_asset, make_contract, make_supplier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def rows(personas: Personas) -> list[RegisterRow]:
    org = personas.org_a
    hr = make_asset(
        org,
        "HR",
        personal_data=True,
        sensitive_data=True,
        personnummer=True,
        protected_identities="skyddad_folkbokforing",
        data_subjects=4800,
    )
    make_asset(org, "Intranät", personal_data=True, data_subjects=12)  # nobody processes it
    make_asset(org, "Webb", confidentiality=2)  # no personal data: not in the register
    supplier = make_supplier("Exempeldata HR AB")
    hosting = make_supplier("Norrdrift AB")
    backup = make_supplier("Global Backup Inc.", country="US")
    for upper, lower, country in ((supplier, hosting, "SE"), (hosting, backup, "US")):
        subprocessor_add(
            acting_user=None,
            organisation=None,
            supplier=upper,
            subprocessor=lower,
            service="Drift",
            country=country,
        )
    subprocessor_add(
        acting_user=None,
        organisation=None,
        supplier=backup,
        subprocessor=supplier,  # a cycle back to the top
        service="Support",
        country="SE",
    )
    contract = make_contract(org, supplier, [hr], service="HR-tjänst")
    data_location_add(acting_user=personas.admin_a, contract=contract, country="SE")
    data_location_add(
        acting_user=personas.admin_a, contract=contract, country="US", transfer_mechanism="scc"
    )
    processor_agreement_set(
        acting_user=personas.admin_a,
        contract=contract,
        signed_on=dt.date(2021, 1, 1),
        version="1.0",
        covered=set("abcf"),
    )
    return register_rows(personal_data_assets(org))


def test_rows_follow_the_chain_of_sub_processors(rows: list[RegisterRow]) -> None:
    summary = [
        (
            row.asset.name,
            row.processor.name if row.processor else None,
            row.engaged_by.name if row.engaged_by else None,
            row.countries,
        )
        for row in rows
    ]
    assert summary == [
        ("HR", "Exempeldata HR AB", None, ("SE", "US")),
        ("HR", "Norrdrift AB", "Exempeldata HR AB", ("SE",)),
        ("HR", "Global Backup Inc.", "Norrdrift AB", ("US",)),
        ("Intranät", None, None, ()),
    ]
    processor, _hosting, backup, nobody = rows
    assert processor.categories == (
        "Sensitive (GDPR Art. 9)",
        "Personal identity numbers",
        "Protected population registration (skyddad folkbokföring)",
    )
    assert nobody.categories == ("Ordinary personal data",)
    assert processor.mechanisms == ("Standard contractual clauses (Art. 46)",)
    assert backup.third_country
    assert backup.agreement == processor.agreement  # bound through the processor's agreement


def test_rows_cost_a_fixed_number_of_queries(personas: Personas, rows: list[RegisterRow]) -> None:
    with CaptureQueriesContext(connection) as few:
        register_rows(personal_data_assets(personas.org_a))
    for index in range(5):
        asset = make_asset(personas.org_a, f"Extra {index}", personal_data=True)
        make_contract(personas.org_a, assets=[asset])
    with CaptureQueriesContext(connection) as many:
        assert len(register_rows(personal_data_assets(personas.org_a))) == len(rows) + 5
    assert len(many) == len(few)


def test_csv_is_utf8_with_semicolons(rows: list[RegisterRow]) -> None:
    data = register_csv(rows)
    assert data.startswith(b"\xef\xbb\xbf")  # byte-order mark, so spreadsheets read UTF-8
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == header()
    assert table[1][:4] == [
        "HR",
        "Sensitive (GDPR Art. 9), Personal identity numbers, "
        "Protected population registration (skyddad folkbokföring)",
        "4800",
        "Exempeldata HR AB",
    ]
    assert table[1][7] == "Sweden (SE), United States (US)"
    assert table[1][10:] == ["Signed 2021-01-01, version 1.0", "d, e, g, h"]
    assert table[3][5] == "Norrdrift AB"  # engaged by
    assert table[4][3] == "No supplier"


def test_xlsx_has_numbers_and_a_header(rows: list[RegisterRow]) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(register_xlsx(rows, organisation="Org A")))
    sheet = workbook.worksheets[0]
    assert sheet.title == "Processing register"
    assert [cell.value for cell in sheet[1]] == header()
    assert sheet["A2"].value == "HR"
    assert sheet["C2"].value == 4800
    assert sheet.max_row == 1 + len(rows)
    assert workbook.properties.creator == "Org A"


def test_exports_neutralise_formulas(personas: Personas) -> None:
    asset = make_asset(personas.org_a, '=HYPERLINK("http://evil")', personal_data=True)
    make_contract(personas.org_a, make_supplier("@SUM(A1)"), [asset], service="+1")
    rows = register_rows(personal_data_assets(personas.org_a))
    table = list(csv.reader(io.StringIO(register_csv(rows).decode("utf-8-sig")), delimiter=";"))
    assert table[1][0] == '\'=HYPERLINK("http://evil")'
    assert table[1][3] == "'@SUM(A1)"
    assert table[1][6] == "'+1"
    sheet = openpyxl.load_workbook(io.BytesIO(register_xlsx(rows, organisation="=X"))).worksheets[0]
    assert sheet["A2"].value == '\'=HYPERLINK("http://evil")'
    assert sheet["A2"].data_type == "s"


def test_country_names_follow_the_language(rows: list[RegisterRow]) -> None:
    with translation.override("sv"):
        table = register_csv(rows).decode("utf-8-sig")
    assert "Sverige (SE)" in table
