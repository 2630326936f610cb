"""The processing register page and its CSV and XLSX downloads."""

from __future__ import annotations

import io

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tillit.conftest import Personas
from tillit.suppliers.models import Supplier
from tillit.suppliers.services import subprocessor_add
from tillit.testing import make_asset, make_contract, make_supplier

URL = "/o/org-a/processing-register/"


def _register(personas: Personas) -> None:
    hr = make_asset(personas.org_a, "Lönesystem", personal_data=True, data_subjects=4800)
    make_asset(personas.org_a, "Webbplats", confidentiality=1)
    supplier = make_supplier("Exempeldata HR AB")
    subprocessor_add(
        acting_user=None,
        organisation=None,
        supplier=supplier,
        subprocessor=make_supplier("Global Backup Inc.", country="US"),
        service="Backup",
        country="US",
    )
    make_contract(personas.org_a, supplier, [hr], service="HR-tjänst")
    theirs = make_asset(personas.org_b, "B:s elevregister", personal_data=True)
    make_contract(personas.org_b, make_supplier("B:s leverantör"), [theirs])


def test_the_register_lists_processors_and_sub_processors(personas: Personas) -> None:
    _register(personas)
    client = personas.client(personas.reader_a)
    client.cookies["django_language"] = "en"
    content = client.get(URL).content.decode()
    for expected in ("Lönesystem", "Exempeldata HR AB", "Global Backup Inc.", "4\u00a0800"):
        assert expected in content, expected
    assert "sub-processor of Exempeldata HR AB" in content
    assert "Webbplats" not in content  # no personal data
    assert "B:s" not in content
    assert 'href="/o/org-a/processing-register.xlsx"' in content


def test_the_register_page_costs_a_fixed_number_of_queries(personas: Personas) -> None:
    _register(personas)
    client = personas.client(personas.admin_a)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for index in range(4):
        asset = make_asset(personas.org_a, f"System {index}", personal_data=True)
        make_contract(personas.org_a, assets=[asset])
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few)


def test_sub_processors_cost_no_query_each(personas: Personas) -> None:
    _register(personas)
    client = personas.client(personas.admin_a)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    supplier = Supplier.objects.get(name="Exempeldata HR AB")
    for index in range(3):
        subprocessor_add(
            acting_user=None,
            organisation=None,
            supplier=supplier,
            subprocessor=make_supplier(f"Underbiträde {index}"),
            service="Drift",
            country="SE",
        )
    with CaptureQueriesContext(connection) as many:
        content = client.get(URL).content.decode()
    assert "Underbiträde 2" in content
    assert len(many) == len(few)


def test_download_csv(personas: Personas) -> None:
    _register(personas)
    client = personas.client(personas.reader_a)
    client.cookies["django_language"] = "en"
    response = client.get("/o/org-a/processing-register.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="processing-register')
    assert response["Content-Disposition"].endswith('.csv"')
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Asset;Categories of personal data;")
    assert "B:s" not in text
    assert "Global Backup Inc." in text


def test_download_xlsx(personas: Personas) -> None:
    _register(personas)
    response = personas.client(personas.admin_a).get("/o/org-a/processing-register.xlsx")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [sheet.cell(row, 1).value for row in range(2, sheet.max_row + 1)] == ["Lönesystem"] * 2
    assert sheet["C2"].value == 4800


def test_unknown_format_is_404(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    assert client.get("/o/org-a/processing-register.pdf").status_code == 404


def test_read_only_pages_refuse_post(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    for url in (URL, "/o/org-a/processing-register.csv", "/o/org-a/suppliers/"):
        assert client.post(url).status_code == 405
