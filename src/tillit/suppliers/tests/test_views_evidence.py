"""Sub-processors, certificates and penetration tests of a supplier."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tillit.conftest import Personas
from tillit.documents.models import Document
from tillit.suppliers.models import Certificate, PenTest, SubProcessor, Supplier
from tillit.testing import make_contract, make_supplier

PDF = b"%PDF-1.7\n%%EOF\n"


def _english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def _our_supplier(personas: Personas) -> Supplier:
    return make_contract(personas.org_a).supplier


def test_pick_one_of_our_suppliers_as_sub_processor(personas: Personas) -> None:
    supplier, hosting = _our_supplier(personas), _our_supplier(personas)
    client = personas.client(personas.admin_a)
    url = f"/o/org-a/suppliers/{supplier.pk}/subprocessors/new/"
    page = client.get(url).content.decode()
    assert f'value="{hosting.pk}"' in page
    assert f'value="{supplier.pk}"' not in page  # not itself
    response = client.post(
        url,
        {"existing": hosting.pk, "service": "Drift", "processing_country": "FI", "country": "SE"},
    )
    assert response["Location"] == f"/o/org-a/suppliers/{supplier.pk}/"
    link = SubProcessor.objects.get()
    assert (link.subprocessor, link.service, link.country) == (hosting, "Drift", "FI")
    assert link.recorded_by == personas.org_a


def test_a_new_sub_processor_by_identity_reuses_a_known_one(personas: Personas) -> None:
    supplier = _our_supplier(personas)
    known = make_supplier("Norrdrift AB", orgnr="556036-0793")
    client = personas.client(personas.admin_a)
    url = f"/o/org-a/suppliers/{supplier.pk}/subprocessors/new/"
    form = {"country": "SE", "orgnr": "5560360793", "service": "Drift", "processing_country": "SE"}
    client.post(url, form)
    assert SubProcessor.objects.get().subprocessor == known
    client.post(
        url,
        {
            "name": "Global Backup Inc.",
            "country": "US",
            "registration_number": "DE-77",
            "service": "Backup",
            "processing_country": "US",
        },
    )
    backup = Supplier.objects.get(country="US")
    assert SubProcessor.objects.filter(subprocessor=backup, country="US").exists()
    # A sub-processor does not become one of the organisation's suppliers.
    assert not backup.relations.exists()


def test_sub_processor_errors_are_shown(personas: Personas) -> None:
    supplier = _our_supplier(personas)
    client = _english(personas.client(personas.admin_a))
    url = f"/o/org-a/suppliers/{supplier.pk}/subprocessors/new/"
    base = {"service": "Drift", "processing_country": "SE", "country": "SE"}
    response = client.post(url, base | {"orgnr": supplier.orgnr})
    assert "A supplier cannot be its own sub-processor." in response.content.decode()
    response = client.post(url, base | {"orgnr": "556036-0792", "name": "X"})
    assert "The check digit does not match" in response.content.decode()
    response = client.post(url, base | {"orgnr": "556036-0793"})
    assert "Give the supplier&#x27;s name." in response.content.decode()
    assert not Supplier.objects.filter(orgnr="556036-0793").exists()
    client.post(url, base | {"orgnr": "556036-0793", "name": "Norrdrift AB"})
    response = client.post(url, base | {"orgnr": "556036-0793"})
    assert "This sub-processor is already recorded." in response.content.decode()
    assert SubProcessor.objects.count() == 1


def test_add_a_certificate_with_its_document(personas: Personas) -> None:
    supplier = _our_supplier(personas)
    client = personas.client(personas.admin_a)
    response = client.post(
        f"/o/org-a/suppliers/{supplier.pk}/certificates/new/",
        {
            "kind": "iso27001",
            "issuer": "Exempelcertifiering AB",
            "scope": "Drift",
            "valid_from": "2024-01-01",
            "valid_until": "2027-01-01",
            "document": SimpleUploadedFile("certifikat.pdf", PDF),
        },
    )
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert certificate.organisation == personas.org_a
    assert certificate.document is not None
    page = client.get(f"/o/org-a/suppliers/{supplier.pk}/").content.decode()
    assert f"/o/org-a/documents/{certificate.document.pk}/" in page
    download = client.get(f"/o/org-a/documents/{certificate.document.pk}/")
    assert download.content == PDF


def test_certificate_dates_are_checked_and_the_upload_is_not_kept(personas: Personas) -> None:
    supplier = _our_supplier(personas)
    client = _english(personas.client(personas.admin_a))
    response = client.post(
        f"/o/org-a/suppliers/{supplier.pk}/certificates/new/",
        {
            "kind": "iso27001",
            "issuer": "X",
            "scope": "Y",
            "valid_from": "2025-01-02",
            "valid_until": "2025-01-01",
            "document": SimpleUploadedFile("certifikat.pdf", PDF),
        },
    )
    assert "A certificate cannot expire before it is valid." in response.content.decode()
    assert not Certificate.objects.exists()
    assert not Document.objects.exists()


def test_add_a_penetration_test_with_its_report(personas: Personas) -> None:
    supplier = _our_supplier(personas)
    client = personas.client(personas.admin_a)
    response = client.post(
        f"/o/org-a/suppliers/{supplier.pk}/pentests/new/",
        {
            "performed_on": "2025-05-01",
            "performed_by": "Testbolaget AB",
            "scope": "Webbgränssnitt",
            "summary": "Två medelallvarliga brister.",
            "report": SimpleUploadedFile("rapport.txt", b"Rapport"),
        },
    )
    assert response.status_code == 302
    pentest = PenTest.objects.get()
    assert pentest.report is not None
    assert pentest.report.content_type == "text/plain"
    assert "Testbolaget AB" in client.get(f"/o/org-a/suppliers/{supplier.pk}/").content.decode()


def test_a_refused_report_is_reported_on_its_field(personas: Personas) -> None:
    supplier = _our_supplier(personas)
    client = _english(personas.client(personas.admin_a))
    response = client.post(
        f"/o/org-a/suppliers/{supplier.pk}/pentests/new/",
        {
            "performed_on": "2025-05-01",
            "performed_by": "X",
            "scope": "Y",
            "report": SimpleUploadedFile("rapport.exe", b"MZ"),
        },
    )
    content = response.content.decode()
    assert "Files of this type cannot be uploaded." in content
    assert 'id="id_report_error"' in content
    assert not PenTest.objects.exists()


def test_a_reader_cannot_add_evidence(personas: Personas) -> None:
    supplier = _our_supplier(personas)
    reader = personas.client(personas.reader_a)
    for path in ("subprocessors/new/", "certificates/new/", "pentests/new/"):
        url = f"/o/org-a/suppliers/{supplier.pk}/{path}"
        assert reader.get(url).status_code == 403, url
        assert reader.post(url, {"service": "X", "issuer": "X"}).status_code == 403, url
    assert not SubProcessor.objects.exists()
    assert not Certificate.objects.exists()
    assert not PenTest.objects.exists()
