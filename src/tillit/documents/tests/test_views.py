from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tillit.conftest import Personas
from tillit.documents.models import Document
from tillit.documents.services import document_store
from tillit.organisations.models import Organisation

PDF = b"%PDF-1.7\nAvtal\n%%EOF\n"


def _store(personas: Personas, organisation: Organisation, name: str = "avtal.pdf") -> Document:
    return document_store(
        acting_user=personas.admin_a,
        organisation=organisation,
        upload=SimpleUploadedFile(name, PDF),
    )


def test_members_download_the_plain_file(personas: Personas) -> None:
    document = _store(personas, personas.org_a, "PUB-avtal.pdf")
    for user in (personas.admin_a, personas.reader_a):
        response = personas.client(user).get(f"/o/org-a/documents/{document.pk}/")
        assert response.status_code == 200
        assert response.content == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="PUB-avtal.pdf"'
        assert response["Content-Length"] == str(len(PDF))
        assert "no-store" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_swedish_file_name_is_encoded(personas: Personas) -> None:
    document = _store(personas, personas.org_a, "Avtal för Åre kommun.pdf")
    response = personas.client(personas.admin_a).get(f"/o/org-a/documents/{document.pk}/")
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Avtal%20f%C3%B6r%20%C3%85re%20kommun.pdf"
    )


def test_another_organisations_document_is_404(personas: Personas) -> None:
    theirs = _store(personas, personas.org_b)
    ours = _store(personas, personas.org_a)
    admin = personas.client(personas.admin_a)
    assert admin.get(f"/o/org-a/documents/{theirs.pk}/").status_code == 404
    assert admin.get(f"/o/org-b/documents/{theirs.pk}/").status_code == 404  # not a member
    coordinator = personas.client(personas.coordinator_b)
    assert coordinator.get(f"/o/org-b/documents/{ours.pk}/").status_code == 404
    assert coordinator.get(f"/o/org-a/documents/{ours.pk}/").status_code == 404
    outsider = personas.client(personas.outsider)
    assert outsider.get(f"/o/org-a/documents/{ours.pk}/").status_code == 404


def test_a_tampered_file_is_not_handed_out(personas: Personas) -> None:
    document = _store(personas, personas.org_a)
    path = Path(settings.MEDIA_ROOT) / document.storage_name
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")
    client = personas.client(personas.admin_a)
    client.cookies["django_language"] = "en"
    response = client.get(f"/o/org-a/documents/{document.pk}/")
    assert response.status_code == 500
    assert "Content-Disposition" not in response
    assert "has been changed or damaged" in response.content.decode()


def test_download_is_read_only(personas: Personas) -> None:
    document = _store(personas, personas.org_a)
    response = personas.client(personas.admin_a).post(f"/o/org-a/documents/{document.pk}/")
    assert response.status_code == 405
