"""Contracts: create, edit, the contract page, the processor agreement and data locations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tillit.conftest import Personas
from tillit.documents.models import Document
from tillit.suppliers.models import Contract, DataLocation, ProcessorAgreement
from tillit.suppliers.services import contract_update
from tillit.testing import make_asset, make_contract, make_supplier

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
FULL: dict[str, Any] = {
    "service": "HR- och lönesystem",
    "start": "2024-01-01",
    "end": "2027-12-31",
    "notice_period_days": "180",
    "annual_value": "120000,50",  # Swedish decimal comma
    "customer_contact": "Anna Andersson",
    "supplier_contact": "Bo Berg",
    "sla_availability": "99,5",
    "incident_notice_hours": "24",
    "support_response_hours": "4",
    "liability": "on",
    "liability_text": "Vite vid brott.",
    "right_to_audit": "on",
    "exit_text": "Data lämnas tillbaka.",
}


def _english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_create_a_contract_with_every_field(personas: Personas) -> None:
    supplier = make_supplier()
    supplier.relations.create(organisation=personas.org_a)
    hr, web = make_asset(personas.org_a, "HR"), make_asset(personas.org_a, "Webb")
    client = personas.client(personas.admin_a)
    url = f"/o/org-a/suppliers/{supplier.pk}/contracts/new/"
    assert "HR" in client.get(url).content.decode()
    response = client.post(url, FULL | {"assets": [str(hr.pk), str(web.pk)]})
    contract = Contract.objects.get()
    assert response["Location"] == f"/o/org-a/contracts/{contract.pk}/"
    assert (contract.organisation, contract.supplier) == (personas.org_a, supplier)
    assert set(contract.assets.all()) == {hr, web}
    assert contract.annual_value == Decimal("120000.50")
    assert contract.sla_availability == Decimal("99.5")
    assert (contract.notice_period_days, contract.incident_notice_hours) == (180, 24)
    assert (contract.liability, contract.right_to_audit, contract.exit_clause) == (
        True,
        True,
        False,
    )
    assert contract.exit_text == "Data lämnas tillbaka."


def test_only_the_organisations_assets_can_be_chosen(personas: Personas) -> None:
    supplier = make_contract(personas.org_a).supplier
    theirs = make_asset(personas.org_b, "B:s system")
    client = _english(personas.client(personas.admin_a))
    url = f"/o/org-a/suppliers/{supplier.pk}/contracts/new/"
    assert "B:s system" not in client.get(url).content.decode()
    response = client.post(url, {"service": "X", "assets": [str(theirs.pk)]})
    assert "Select a valid choice" in response.content.decode()
    assert Contract.objects.count() == 1


def test_edit_shows_the_services_errors(personas: Personas) -> None:
    contract = make_contract(personas.org_a, service="Gammal")
    client = _english(personas.client(personas.admin_a))
    url = f"/o/org-a/contracts/{contract.pk}/edit/"
    assert 'value="Gammal"' in client.get(url).content.decode()
    response = client.post(url, {"service": "Ny", "start": "2025-02-01", "end": "2025-01-01"})
    assert "The contract cannot end before it starts." in response.content.decode()
    response = client.post(url, {"service": "Ny", "sla_availability": "101"})
    assert "Availability is a percentage, 0–100." in response.content.decode()
    contract.refresh_from_db()
    assert contract.service == "Gammal"
    asset = make_asset(personas.org_a)
    response = client.post(url, {"service": "Ny", "assets": [str(asset.pk)]})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.service == "Ny"
    assert list(contract.assets.all()) == [asset]


def test_the_contract_page(personas: Personas) -> None:
    asset = make_asset(personas.org_a, "Lönesystem", personal_data=True)
    contract = make_contract(personas.org_a, assets=[asset], service="Lön", sla_availability=99)
    DataLocation.objects.create(contract=contract, country="US")
    content = _english(personas.client(personas.reader_a))
    page = content.get(f"/o/org-a/contracts/{contract.pk}/").content.decode()
    assert "Lönesystem" in page
    assert "there is no processor agreement" in page
    assert "without a transfer mechanism" in page
    assert "/edit/" not in page  # a reader gets no edit links


# Outside the EU/EEA, so each row carries a badge the test can count.
COUNTRIES = ("US", "GB", "CH", "JP", "CA", "AU", "IN", "BR", "KR", "SG", "ZA", "MX", "NZ", "AR")


def _serve(contract: Contract, personas: Personas, count: int) -> None:
    """Have the contract serve `count` more classified assets and store its data in `count`
    more countries."""
    start = contract.locations.count()
    for country in COUNTRIES[start : start + count]:
        DataLocation.objects.create(contract=contract, country=country)
    classification: dict[str, Any] = {
        "personal_data": True,
        "protected_identities": "skyddad_folkbokforing",
    }
    more = [make_asset(personas.org_a, confidentiality=2, **classification) for _ in range(count)]
    contract_update(
        acting_user=personas.admin_a, contract=contract, assets=[*contract.assets.all(), *more]
    )


def test_the_contract_page_costs_the_same_for_2_and_14_assets_and_countries(
    personas: Personas,
) -> None:
    contract = make_contract(personas.org_a)
    _serve(contract, personas, 2)
    client = _english(personas.client(personas.reader_a))
    url = f"/o/org-a/contracts/{contract.pk}/"
    client.get(url)  # the first request saves the cookie's language on the user
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _serve(contract, personas, 12)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assets = contract.assets.all()
    assert len(assets) == 14
    assert all(f'href="/o/org-a/assets/{asset.pk}/"' in page for asset in assets)
    assert page.count("Protected identities") == 14  # from each asset's classification
    assert page.count("Outside the EU/EEA</span>") == 14
    assert len(many) == len(few)


def test_other_organisations_contracts_are_404(personas: Personas) -> None:
    contract = make_contract(personas.org_b)
    client = personas.client(personas.admin_a)
    for path in ("", "edit/", "agreement/", "locations/new/"):
        assert client.get(f"/o/org-a/contracts/{contract.pk}/{path}").status_code == 404


def test_set_the_processor_agreement_with_its_document(personas: Personas) -> None:
    contract = make_contract(personas.org_a)
    client = personas.client(personas.admin_a)
    url = f"/o/org-a/contracts/{contract.pk}/agreement/"
    form = {
        "signed_on": "2024-03-01",
        "version": "2.1",
        **{f"covers_{point}": "on" for point in "abcdef"},
        "document": SimpleUploadedFile("PUB-avtal.pdf", PDF),
    }
    response = client.post(url, form)
    assert response.status_code == 302
    agreement = ProcessorAgreement.objects.get(contract=contract)
    assert agreement.gaps == ["g", "h"]
    assert agreement.version == "2.1"
    assert agreement.document is not None
    assert agreement.document.name == "PUB-avtal.pdf"
    assert agreement.document.organisation == personas.org_a
    page = client.get(f"/o/org-a/contracts/{contract.pk}/").content.decode()
    assert f"/o/org-a/documents/{agreement.document.pk}/" in page
    # Saving again without a file keeps the document.
    client.post(url, {"covers_a": "on"})
    agreement.refresh_from_db()
    assert agreement.gaps == list("bcdefgh")
    assert agreement.document is not None


def test_a_refused_upload_saves_nothing(personas: Personas) -> None:
    contract = make_contract(personas.org_a)
    client = _english(personas.client(personas.admin_a))
    response = client.post(
        f"/o/org-a/contracts/{contract.pk}/agreement/",
        {"covers_a": "on", "document": SimpleUploadedFile("avtal.pdf", b"MZ not a pdf")},
    )
    assert "does not match its extension .pdf" in response.content.decode()
    assert not ProcessorAgreement.objects.exists()
    assert not Document.objects.exists()


def test_add_a_data_location(personas: Personas) -> None:
    contract = make_contract(personas.org_a)
    client = _english(personas.client(personas.admin_a))
    url = f"/o/org-a/contracts/{contract.pk}/locations/new/"
    assert '<option value="US">United States</option>' in client.get(url).content.decode()
    response = client.post(url, {"country": "SE", "storage": "on"})
    assert response.status_code == 302
    location = DataLocation.objects.get()
    assert (location.country, location.storage, location.processing) == ("SE", True, False)


def test_a_third_country_without_mechanism_shows_the_services_error(personas: Personas) -> None:
    contract = make_contract(personas.org_a)
    client = _english(personas.client(personas.admin_a))
    url = f"/o/org-a/contracts/{contract.pk}/locations/new/"
    response = client.post(url, {"country": "US", "storage": "on", "processing": "on"})
    content = response.content.decode()
    assert "Data leaves the EU/EEA: choose the transfer mechanism (GDPR chapter V)." in content
    assert 'id="id_transfer_mechanism_error"' in content  # on the field, not only at the top
    assert not DataLocation.objects.exists()
    client.post(url, {"country": "US", "transfer_mechanism": "scc"})
    assert DataLocation.objects.get().transfer_mechanism == "scc"


def test_a_reader_cannot_change_contracts(personas: Personas) -> None:
    contract = make_contract(personas.org_a, service="Lön")
    reader = personas.client(personas.reader_a)
    supplier = contract.supplier
    posts = {
        f"/o/org-a/suppliers/{supplier.pk}/contracts/new/": {"service": "X"},
        f"/o/org-a/contracts/{contract.pk}/edit/": {"service": "X"},
        f"/o/org-a/contracts/{contract.pk}/agreement/": {"covers_a": "on"},
        f"/o/org-a/contracts/{contract.pk}/locations/new/": {"country": "SE"},
    }
    for url, data in posts.items():
        assert reader.get(url).status_code == 403, url
        assert reader.post(url, data).status_code == 403, url
    contract.refresh_from_db()
    assert contract.service == "Lön"
    assert Contract.objects.count() == 1
    assert not ProcessorAgreement.objects.exists()
    assert not DataLocation.objects.exists()


def test_dates_and_terms_beyond_reach_are_refused_and_change_nothing(personas: Personas) -> None:
    """9999-12-31, or a notice period of a million days, was stored and then broke the
    organisation's plan, calendar feed and reminders; 10**20 hours was a server error."""
    supplier = make_supplier()
    supplier.relations.create(organisation=personas.org_a)
    client = _english(personas.client(personas.admin_a))
    url = f"/o/org-a/suppliers/{supplier.pk}/contracts/new/"
    for field, value, message in [
        ("end", "9999-12-31", "Give a date between 1900-01-01 and 2199-12-31."),
        ("start", "0001-01-01", "Give a date between 1900-01-01 and 2199-12-31."),
        ("notice_period_days", "1000000", "Give a number from 0 to 36500."),
        ("incident_notice_hours", str(10**20), "Give a number from 0 to 100000."),
        ("support_response_hours", "2147483648", "Give a number from 0 to 100000."),
    ]:
        english = {"annual_value": "120000.50", "sla_availability": "99.5"}
        response = client.post(url, FULL | english | {field: value})
        assert response.status_code == 200
        assert response.context["form"].errors == {field: [message]}
    assert not Contract.objects.exists()
    for path in ("certificates/new/", "pentests/new/"):
        response = client.post(
            f"/o/org-a/suppliers/{supplier.pk}/{path}",
            {"valid_from": "2025-01-01", "valid_until": "9999-12-31", "performed_on": "9999-06-01"},
        )
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert errors.get("valid_until", errors.get("performed_on")) == [
            "Give a date between 1900-01-01 and 2199-12-31."
        ]
    assert not supplier.certificates.exists()
    assert not supplier.pentests.exists()
