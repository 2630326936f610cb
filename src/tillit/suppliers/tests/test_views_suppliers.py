"""The supplier list, adding a supplier, and the supplier page."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tillit.audit.models import AuditEvent
from tillit.conftest import Personas
from tillit.suppliers.models import Supplier, SupplierRelation
from tillit.suppliers.services import (
    certificate_add,
    data_location_add,
    pentest_add,
    processor_agreement_set,
    subprocessor_add,
)
from tillit.suppliers.views.suppliers import PAGE_SIZE
from tillit.testing import make_asset, make_contract, make_supplier

LIST = "/o/org-a/suppliers/"
ADD = "/o/org-a/suppliers/new/"


def _english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_the_list_shows_only_the_organisations_suppliers(personas: Personas) -> None:
    make_contract(personas.org_a, make_supplier("Lön AB"))
    make_contract(personas.org_b, make_supplier("B:s leverantör AB"))
    content = personas.client(personas.reader_a).get(LIST).content.decode()
    assert "Lön AB" in content
    assert "B:s leverantör AB" not in content
    assert f'href="{ADD}"' not in content  # a reader cannot add


def test_the_list_filters(personas: Personas) -> None:
    personal = make_asset(personas.org_a, confidentiality=3, personal_data=True)
    make_contract(personas.org_a, make_supplier("Lön AB"), [personal])
    make_contract(personas.org_a, make_supplier("Webb AB"), [make_asset(personas.org_a)])
    client = personas.client(personas.admin_a)
    for query in ("missing_dpa=on", "personal_data=on", "min_criticality=3", "q=l%C3%B6n"):
        content = client.get(f"{LIST}?{query}").content.decode()
        assert "Lön AB" in content, query
        assert "Webb AB" not in content, query
    content = client.get(f"{LIST}?min_criticality=9").content.decode()  # invalid: no filter
    assert "Webb AB" in content


def test_the_list_is_paginated(personas: Personas) -> None:
    for index in range(PAGE_SIZE + 1):
        make_supplier(f"Leverantör {index:03d}").relations.create(organisation=personas.org_a)
    client = _english(personas.client(personas.admin_a))
    first = client.get(LIST).content.decode()
    assert "Leverantör 049" in first
    assert "Leverantör 050" not in first
    assert "Page 1 of 2" in first
    assert "Leverantör 050" in client.get(f"{LIST}?page=2").content.decode()


def _supplier_with_everything(personas: Personas) -> None:
    asset = make_asset(personas.org_a, confidentiality=2, personal_data=True)
    contract = make_contract(personas.org_a, assets=[asset])
    data_location_add(
        acting_user=personas.admin_a, contract=contract, country="US", transfer_mechanism="scc"
    )
    certificate_add(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        supplier=contract.supplier,
        kind="iso27001",
        issuer="Cert AB",
        scope="Allt",
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2021, 1, 1),
    )


def test_the_list_costs_the_same_for_3_and_15_suppliers(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    for _ in range(3):
        _supplier_with_everything(personas)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for _ in range(12):
        _supplier_with_everything(personas)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert response.content.decode().count('class="badge danger"') >= 15 * 2
    assert len(many) == len(few)


def test_htmx_gets_only_the_results(personas: Personas) -> None:
    make_contract(personas.org_a, make_supplier("Lön AB"))
    response = personas.client(personas.admin_a).get(
        f"{LIST}?q=L%C3%B6n", headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="supplier-results"')
    assert "Lön AB" in content
    assert "<html" not in content


def test_add_a_swedish_supplier(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    response = client.post(ADD, {"name": "Säker Lön AB", "country": "SE", "orgnr": "5560360793"})
    supplier = Supplier.objects.get(orgnr="556036-0793")
    assert response["Location"] == f"/o/org-a/suppliers/{supplier.pk}/"
    relation = SupplierRelation.objects.get(organisation=personas.org_a, supplier=supplier)
    event = AuditEvent.objects.get(action="supplier.relation_create")
    assert (event.organisation_id, event.object_id, event.actor_id) == (
        personas.org_a.id,
        str(relation.pk),
        personas.admin_a.id,
    )


def test_add_reuses_the_identity_another_organisation_registered(personas: Personas) -> None:
    known = make_supplier("Exempeldata HR AB", orgnr="556036-0793")
    known.relations.create(organisation=personas.org_b)
    client = _english(personas.client(personas.admin_a))
    response = client.post(
        ADD, {"name": "Exempeldata", "country": "SE", "orgnr": "556036-0793"}, follow=True
    )
    assert Supplier.objects.count() == 1
    assert set(known.relations.values_list("organisation__slug", flat=True)) == {"org-a", "org-b"}
    assert "556036-0793 is known to Tillit as Exempeldata HR AB" in response.content.decode()


def test_add_a_foreign_supplier(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    client.post(ADD, {"name": "Global Backup Inc.", "country": "US", "registration_number": "77"})
    supplier = Supplier.objects.get()
    assert (supplier.country, supplier.registration_number, supplier.orgnr) == ("US", "77", None)


def test_add_shows_what_is_wrong_with_the_identity(personas: Personas) -> None:
    client = _english(personas.client(personas.admin_a))
    content = client.post(ADD, {"name": "X", "country": "SE", "orgnr": "556036-0792"})
    assert "The check digit does not match" in content.content.decode()
    content = client.post(ADD, {"name": "X", "country": "DE", "orgnr": ""})
    assert "A foreign supplier needs its registration number." in content.content.decode()
    assert not Supplier.objects.exists()


def test_a_reader_cannot_add(personas: Personas) -> None:
    reader = personas.client(personas.reader_a)
    assert reader.get(ADD).status_code == 403
    response = reader.post(ADD, {"name": "X", "country": "SE", "orgnr": "556036-0793"})
    assert response.status_code == 403
    assert not Supplier.objects.exists()


def test_the_supplier_page_shows_everything(personas: Personas) -> None:
    today = timezone.localdate()
    hr = make_asset(
        personas.org_a, "Lönesystem", confidentiality=3, personal_data=True, data_subjects=4800
    )
    supplier = make_supplier("Exempeldata HR AB")
    contract = make_contract(personas.org_a, supplier, [hr], service="HR-tjänst", end=today)
    processor_agreement_set(
        acting_user=personas.admin_a, contract=contract, signed_on=None, covered=set("abcf")
    )
    data_location_add(acting_user=personas.admin_a, contract=contract, country="SE")
    subprocessor_add(
        acting_user=None,
        organisation=None,
        supplier=supplier,
        subprocessor=make_supplier("Norrdrift AB"),
        service="Drift",
        country="SE",
    )
    certificate_add(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        supplier=supplier,
        kind="iso27001",
        issuer="Exempelcertifiering AB",
        scope="HR",
        valid_from=dt.date(2022, 1, 1),
        valid_until=today - dt.timedelta(days=1),
    )
    pentest_add(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        supplier=supplier,
        performed_on=dt.date(2023, 1, 1),
        performed_by="Testbolaget AB",
        scope="Webb",
    )
    client = _english(personas.client(personas.reader_a))
    content = client.get(f"/o/org-a/suppliers/{supplier.pk}/").content.decode()
    for expected in (
        "HR-tjänst",
        "Lönesystem",
        "4\u00a0800",
        "Norrdrift AB",
        "Exempelcertifiering AB",
        "Testbolaget AB",
        "does not cover GDPR Art. 28(3) d, e, g, h",
        "No valid certificate",
        "No penetration test in the last 12 months",
        "HR-tjänst ends in 0 days",
    ):
        assert expected in content, expected
    assert "/contracts/new/" not in content  # a reader has no edit links


def test_a_supplier_without_a_relation_is_404(personas: Personas) -> None:
    stranger = make_supplier("Okänd AB")
    of_b = make_contract(personas.org_b).supplier
    client = personas.client(personas.admin_a)
    for supplier in (stranger, of_b):
        for path in ("", "contracts/new/", "certificates/new/", "pentests/new/"):
            assert client.get(f"/o/org-a/suppliers/{supplier.pk}/{path}").status_code == 404


def test_the_supplier_page_costs_a_fixed_number_of_queries(personas: Personas) -> None:
    supplier = make_supplier()
    client = personas.client(personas.admin_a)
    make_contract(personas.org_a, supplier, [make_asset(personas.org_a, personal_data=True)])
    with CaptureQueriesContext(connection) as few:
        client.get(f"/o/org-a/suppliers/{supplier.pk}/")
    for _ in range(5):
        contract = make_contract(
            personas.org_a, supplier, [make_asset(personas.org_a, personal_data=True)]
        )
        data_location_add(acting_user=personas.admin_a, contract=contract, country="FI")
    with CaptureQueriesContext(connection) as many:
        client.get(f"/o/org-a/suppliers/{supplier.pk}/")
    assert len(many) == len(few)
