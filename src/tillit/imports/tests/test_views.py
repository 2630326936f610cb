from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tillit.audit.models import AuditEvent
from tillit.conftest import Personas
from tillit.documents.models import Document
from tillit.documents.services import document_store
from tillit.imports import tasks
from tillit.imports.models import ImportJob
from tillit.imports.tasks import run_import
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


def _upload(client: Client, world: World, **changes: str) -> ImportJob:
    response = client.post(
        "/o/org-a/import/", {"kind": "contracts", "file": _contracts(world, **changes)}
    )
    job = ImportJob.objects.order_by("-requested_at").first()
    assert job is not None
    assert response["Location"] == f"/o/org-a/import/jobs/{job.pk}/"
    return job


def test_the_check_lists_every_problem_and_imports_nothing(world: World) -> None:
    before = counts()
    client = _client(world.personas, world.personas.admin_a)
    job = _upload(client, world, end="2020-01-01")
    assert (job.status, job.dry_run, job.problem_count) == ("done", True, 1)
    page = client.get(f"/o/org-a/import/jobs/{job.pk}/").content.decode()
    assert "The contract cannot end before it starts." in page
    assert "<code>end</code>" in page
    assert "/confirm/" not in page
    after = counts()
    # Only the kept file was recorded (its upload is in the audit log); nothing was imported.
    assert after.pop("audit.AuditEvent") == before.pop("audit.AuditEvent") + 1
    assert AuditEvent.objects.order_by("-id").first().action == "document.upload"  # type: ignore[union-attr]
    assert after == before


def test_check_then_confirm_imports_in_the_background(world: World) -> None:
    client = _client(world.personas, world.personas.admin_a)
    job = _upload(client, world)
    page = client.get(f"/o/org-a/import/jobs/{job.pk}/").content.decode()
    assert "Importing will create 1, update 0 and leave 0 unchanged." in page
    assert not Contract.objects.exists()
    response = client.post(f"/o/org-a/import/jobs/{job.pk}/confirm/")
    imported = ImportJob.objects.get(dry_run=False)
    assert response["Location"] == f"/o/org-a/import/jobs/{imported.pk}/"
    assert (imported.status, imported.created) == ("done", 1)
    assert Contract.objects.filter(organisation=world.personas.org_a).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Imported avtal.csv: 1 created, 0 updated, 0 unchanged." in page
    # A job already run is not run again (a worker re-running a task).
    run_import.call(str(imported.pk))
    assert Contract.objects.count() == 1


def test_a_check_costs_the_same_for_2_and_12_problems(world: World) -> None:
    client = _client(world.personas, world.personas.admin_a)

    def checked(problems: int) -> ImportJob:
        """A check of a file whose every row names a system the organisation does not have."""
        rows = [
            [world.orgnr, "556677-8899", f"Okänt {n}", "2024-01-01", "", "", "SE", "24"]
            for n in range(problems)
        ]
        upload = SimpleUploadedFile("avtal.csv", csv_bytes([CONTRACT_COLUMNS, *rows]))
        client.post("/o/org-a/import/", {"kind": "contracts", "file": upload})
        job = ImportJob.objects.order_by("-requested_at").first()
        assert job is not None
        assert job.problem_count == problems
        return job

    few_job = checked(2)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/o/org-a/import/jobs/{few_job.pk}/")
    job = checked(12)
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/o/org-a/import/jobs/{job.pk}/")
    page = response.content.decode()
    assert page.count("<code>system_name</code>") == 12  # every problem, with its column
    assert len(many) == len(few)


def test_a_pending_job_page_asks_again(world: World) -> None:
    client = _client(world.personas, world.personas.admin_a)
    job = _upload(client, world)
    ImportJob.objects.filter(pk=job.pk).update(status="running")
    page = client.get(f"/o/org-a/import/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in page.content.decode()


def test_confirm_checks_again(world: World) -> None:
    client = _client(world.personas, world.personas.admin_a)
    job = _upload(client, world)
    world.system.delete()
    client.post(f"/o/org-a/import/jobs/{job.pk}/confirm/")
    imported = ImportJob.objects.get(dry_run=False)
    assert imported.problem_count == 1
    assert "has no system named" in imported.problems[0]["message"]
    assert not Contract.objects.exists()


def test_only_a_clean_check_can_be_confirmed(world: World) -> None:
    client = _client(world.personas, world.personas.admin_a)
    job = _upload(client, world, end="2020-01-01")
    assert client.post(f"/o/org-a/import/jobs/{job.pk}/confirm/").status_code == 400
    assert not ImportJob.objects.filter(dry_run=False).exists()


def test_a_failure_is_recorded_and_imports_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(tasks, "import_file", broken)
    job = _upload(_client(world.personas, world.personas.admin_a), world)
    assert (job.status, job.failure) == ("failed", "RuntimeError: disk full")
    assert not Contract.objects.exists()


def test_readers_may_not_import(world: World) -> None:
    client = _client(world.personas, world.personas.reader_a)
    assert client.get("/o/org-a/import/").status_code == 403
    response = client.post("/o/org-a/import/", {"kind": "contracts", "file": _contracts(world)})
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_another_organisations_job_is_not_found(world: World) -> None:
    personas = world.personas
    document = document_store(
        acting_user=personas.coordinator_b, organisation=personas.org_b, upload=_contracts(world)
    )
    job = ImportJob.objects.create(
        organisation=personas.org_b, kind="contracts", document=document, dry_run=True
    )
    client = _client(personas, personas.admin_a)
    assert client.get(f"/o/org-a/import/jobs/{job.pk}/").status_code == 404
    assert client.post(f"/o/org-a/import/jobs/{job.pk}/confirm/").status_code == 404
    assert not Contract.objects.exists()


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
