from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tillit.conftest import Personas
from tillit.documents.models import Document
from tillit.documents.services import document_store
from tillit.imports.tests.conftest import World
from tillit.imports.tests.files import CONTRACT_COLUMNS, counts, csv_bytes
from tillit.organisations.models import Organisation
from tillit.suppliers.models import Contract


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _client(personas: Personas, user: Any) -> Client:
    client = personas.client(user)
    client.cookies["django_language"] = "en"
    return client


def _contracts(world: World, end: str = "2027-12-31") -> SimpleUploadedFile:
    row = [world.orgnr, "556677-8899", "Personalsystem", "2024-01-01", end, "", "SE;US", "24"]
    return SimpleUploadedFile("avtal.csv", csv_bytes([CONTRACT_COLUMNS, row]))


def test_the_upload_page_offers_kinds_and_templates(world: World) -> None:
    response = _client(world.personas, world.personas.admin_a).get("/o/org-a/import/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="contracts"' in page
    assert 'value="organisations"' not in page
    assert "/o/org-a/import/templates/systems.csv" in page


def test_preview_lists_every_problem_and_writes_nothing(world: World) -> None:
    before = counts()
    client = _client(world.personas, world.personas.admin_a)
    response = client.post(
        "/o/org-a/import/", {"kind": "contracts", "file": _contracts(world, end="2020-01-01")}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The contract cannot end before it starts." in page
    assert "<code>end</code>" in page
    assert 'action="/o/org-a/import/confirm/"' not in page
    assert counts() == before
    assert not Document.objects.exists()


def test_preview_then_confirm_imports(world: World) -> None:
    client = _client(world.personas, world.personas.admin_a)
    response = client.post("/o/org-a/import/", {"kind": "contracts", "file": _contracts(world)})
    page = response.content.decode()
    assert "Importing will create 1, update 0 and leave 0 unchanged." in page
    assert not Contract.objects.exists()
    document = Document.objects.get(organisation=world.personas.org_a)
    assert f'value="{document.pk}"' in page
    response = client.post(
        "/o/org-a/import/confirm/", {"kind": "contracts", "document": str(document.pk)}
    )
    assert response.status_code == 302
    assert Contract.objects.filter(organisation=world.personas.org_a).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Imported avtal.csv: 1 created, 0 updated, 0 unchanged." in page


def test_confirm_validates_again(world: World) -> None:
    client = _client(world.personas, world.personas.admin_a)
    client.post("/o/org-a/import/", {"kind": "contracts", "file": _contracts(world)})
    document = Document.objects.get()
    world.system.delete()
    response = client.post(
        "/o/org-a/import/confirm/", {"kind": "contracts", "document": str(document.pk)}
    )
    assert response.status_code == 200
    assert "has no system named" in response.content.decode()
    assert not Contract.objects.exists()


def test_readers_may_not_import(world: World) -> None:
    client = _client(world.personas, world.personas.reader_a)
    assert client.get("/o/org-a/import/").status_code == 403
    response = client.post("/o/org-a/import/", {"kind": "contracts", "file": _contracts(world)})
    assert response.status_code == 403
    assert client.post("/o/org-a/import/confirm/", {}).status_code == 403
    assert not Document.objects.exists()


def test_another_organisations_upload_is_not_found(world: World) -> None:
    personas = world.personas
    document = document_store(
        acting_user=personas.coordinator_b, organisation=personas.org_b, upload=_contracts(world)
    )
    client = _client(personas, personas.admin_a)
    response = client.post(
        "/o/org-a/import/confirm/", {"kind": "contracts", "document": str(document.pk)}
    )
    assert response.status_code == 404
    assert not Contract.objects.exists()


def test_a_tampered_confirm_form_is_a_bad_request(world: World) -> None:
    client = _client(world.personas, world.personas.admin_a)
    response = client.post("/o/org-a/import/confirm/", {"kind": "organisations", "document": "x"})
    assert response.status_code == 400


def test_templates_have_the_header_and_the_organisations_own_orgnr(world: World) -> None:
    client = _client(world.personas, world.personas.reader_a)
    response = client.get("/o/org-a/import/templates/contracts.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(CONTRACT_COLUMNS)
    assert lines[1].startswith(f"{world.orgnr},556677-8899,")
    assert client.get("/o/org-a/import/templates/organisations.csv").status_code == 404


ORGANISATIONS = b"orgnr,name,type,nis2\r\n556000-0001,Exempelstad,kommun,essential\r\n"


def test_organisation_import_is_for_the_operator_only(personas: Personas) -> None:
    admin = _client(personas, personas.admin_a)
    assert admin.get("/operator/import/").status_code == 403
    upload = SimpleUploadedFile("org.csv", ORGANISATIONS)
    assert (
        admin.post("/operator/import/", {"kind": "organisations", "file": upload}).status_code
        == 403
    )
    content = base64.b64encode(ORGANISATIONS).decode()
    data = {"kind": "organisations", "filename": "org.csv", "content": content}
    assert admin.post("/operator/import/confirm/", data).status_code == 403
    assert admin.get("/operator/import/templates/organisations.csv").status_code == 403
    assert not Organisation.objects.filter(orgnr="556000-0001").exists()


def test_the_operator_previews_and_confirms_organisations(personas: Personas) -> None:
    personas.outsider.is_superuser = True
    personas.outsider.save(update_fields=["is_superuser"])
    client = _client(personas, personas.outsider)
    upload = SimpleUploadedFile("org.csv", ORGANISATIONS)
    response = client.post("/operator/import/", {"kind": "organisations", "file": upload})
    page = response.content.decode()
    assert "Importing will create 1" in page
    assert not Organisation.objects.filter(orgnr="556000-0001").exists()
    content = base64.b64encode(ORGANISATIONS).decode()
    assert content in page
    data = {"kind": "organisations", "filename": "org.csv", "content": content}
    response = client.post("/operator/import/confirm/", data)
    assert response.status_code == 302
    assert Organisation.objects.get(orgnr="556000-0001").slug == "exempelstad"
    template = client.get("/operator/import/templates/organisations.csv")
    assert template.content.decode("utf-8-sig").startswith("orgnr,name,type,nis2\r\n")
