"""Issue 12: a database error in the middle of an import, an assessment submission or review, or
an incident fan-out leaves nothing half-written: no row, no audit event, no stored file, no
mail or task waiting for a commit that never comes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.test import Client
from django.utils import timezone

from tillit.assessments import services as assessments
from tillit.assessments.models import Answer, Assessment, AssessmentStatus, PortalLink
from tillit.audit.services import audit_record
from tillit.backup.tests.conftest import table_counts
from tillit.backup.tests.faults import failing_on
from tillit.conftest import Personas
from tillit.imports import bulk
from tillit.imports.models import ImportJob
from tillit.imports.services import import_file
from tillit.imports.tests.files import CONTRACT_COLUMNS, csv_bytes
from tillit.incidents import services as incidents
from tillit.incidents.models import ReportedVia
from tillit.organisations.models import Organisation
from tillit.organisations.roles import Role
from tillit.suppliers.models import SubProcessor, Supplier
from tillit.testing import (
    make_assessment,
    make_asset,
    make_contract,
    make_member,
    make_organisation,
    make_supplier,
    make_user,
)

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def _stored_files() -> list[Path]:
    return [path for path in Path(default_storage.path("")).rglob("*") if path.is_file()]


# -- Imports ----------------------------------------------------------------------------------


def _contracts_file(organisation: Organisation, systems: int) -> bytes:
    """Contracts for systems, each with an agreement and two data locations: five tables."""
    Supplier.objects.create(name="Exempeldata HR AB", orgnr="556677-8899")
    rows = []
    for number in range(systems):
        make_asset(organisation, f"System {number}")
        row = {
            "organisation_orgnr": organisation.orgnr,
            "supplier_orgnr": "556677-8899",
            "system_name": f"System {number}",
            "start": "2024-01-01",
            "end": "2027-12-31",
            "dpa_signed": "2024-01-15",
            "data_locations": "SE;FI",
            "incident_notice_hours": "24",
        }
        rows.append([row[column] for column in CONTRACT_COLUMNS])
    return csv_bytes([CONTRACT_COLUMNS, *rows])


def _import_fails(personas: Personas, content: bytes) -> None:
    """The file imported into organisation A (not a dry run) fails with a database error."""
    with pytest.raises(DatabaseError):
        import_file(
            kind="contracts",
            content=content,
            filename="avtal.csv",
            acting_user=personas.admin_a,
            organisation=personas.org_a,
            dry_run=False,
        )


@pytest.mark.parametrize("fails_on", [2, 3, 5])
def test_an_import_that_fails_midway_writes_no_row(
    personas: Personas, monkeypatch: pytest.MonkeyPatch, fails_on: int
) -> None:
    """Contracts, their systems, agreements, locations and supplier relations are inserted one
    table after another: a failure at any of them takes back the tables written before it."""
    content = _contracts_file(personas.org_a, 20)
    before = table_counts()
    monkeypatch.setattr(bulk, "insert", failing_on(fails_on, bulk.insert))
    _import_fails(personas, content)
    assert table_counts() == before


def test_an_import_whose_audit_event_fails_writes_no_row(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = _contracts_file(personas.org_a, 5)
    before = table_counts()
    monkeypatch.setattr("tillit.imports.services.audit_record", failing_on(1, audit_record))
    _import_fails(personas, content)
    assert table_counts() == before


def test_an_upload_whose_import_job_cannot_be_saved_leaves_no_document(
    personas: Personas, monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path
) -> None:
    """The uploaded file is kept (encrypted) for the worker: without its job nothing refers to
    it, so neither its row nor its file may stay."""
    content = _contracts_file(personas.org_a, 1)
    before = table_counts()
    monkeypatch.setattr(ImportJob.objects, "create", failing_on(1, ImportJob.objects.create))
    client = Client(raise_request_exception=True)
    client.force_login(personas.admin_a)
    with pytest.raises(DatabaseError):
        client.post(
            "/o/org-a/import/",
            {"kind": "contracts", "file": SimpleUploadedFile("avtal.csv", content)},
        )
    assert table_counts() == before
    assert not _stored_files()


# -- Assessments ------------------------------------------------------------------------------


def _answered(capture: Capture, answer: str) -> tuple[Assessment, PortalLink]:
    assessment = make_assessment(make_organisation(), confidentiality=3)
    with capture(execute=True):
        link, _token = assessments.link_issue(
            acting_user=make_user(),
            assessment=assessment,
            contact_name="Kim Kontakt",
            contact_email="kim@leverantor.test",
        )
    for question in assessment.questions.all():
        assessments.answer_save(
            link=link,
            question=question,
            version=question.version,
            answer=answer,
            description="Så här gör vi.",
        )
    return assessment, link


def test_a_submission_that_fails_midway_is_not_submitted_and_mails_nobody(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Capture
) -> None:
    assessment, link = _answered(django_capture_on_commit_callbacks, Answer.MET)
    before = table_counts()
    mail.outbox.clear()
    # The status is saved, then the supplier's act is audited: that fails.
    monkeypatch.setattr(assessments, "_audit_portal", failing_on(1, assessments._audit_portal))
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(DatabaseError),
    ):
        assessments.assessment_submit(link=link)
    assert table_counts() == before
    assessment.refresh_from_db()
    assert (assessment.status, assessment.submitted_at) == (AssessmentStatus.SENT, None)
    assert callbacks == []
    assert mail.outbox == []


def test_a_review_that_fails_midway_raises_no_finding(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Capture
) -> None:
    assessment, link = _answered(django_capture_on_commit_callbacks, Answer.NOT_MET)
    assessments.assessment_submit(link=link)
    reviewer = make_user()
    for question in assessment.questions.all():
        assessments.answer_review(
            acting_user=reviewer, question=question, review="rejected", comment="Saknas."
        )
    before = table_counts()
    # The findings are inserted and the status saved, then the completion is audited: it fails.
    monkeypatch.setattr("tillit.assessments.services.audit_record", failing_on(1, audit_record))
    with pytest.raises(DatabaseError):
        assessments.review_complete(acting_user=reviewer, assessment=assessment)
    assert table_counts() == before
    assessment.refresh_from_db()
    assert (assessment.status, assessment.completed_at) == (AssessmentStatus.SUBMITTED, None)
    assert not assessment.findings.exists()
    # Once the database is well again, the same review completes.
    monkeypatch.undo()
    assert assessments.review_complete(acting_user=reviewer, assessment=assessment)


# -- Incidents --------------------------------------------------------------------------------


@pytest.mark.parametrize("fails_on", [1, 2, 3])
def test_an_incident_whose_fan_out_fails_midway_opens_no_case_and_tells_nobody(
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Capture,
    fails_on: int,
) -> None:
    """Three organisations hit (one through a sub-processor): the incident is recorded, then a
    case with its clocks is opened in each; the fails_on-th case fails to open."""
    hr, hosting = make_supplier("HR AB"), make_supplier("Hosting AB")
    SubProcessor.objects.create(supplier=hr, subprocessor=hosting, service="Drift", country="SE")
    for number in range(3):
        organisation = make_organisation(f"Kommun {number}")
        make_member(organisation, Role.SECURITY_COORDINATOR)
        asset = make_asset(organisation, "Lön", confidentiality=3, personal_data=True)
        make_contract(organisation, hr if number == 0 else hosting, assets=[asset])
    reporter = make_user()
    before = table_counts()
    mail.outbox.clear()
    monkeypatch.setattr(incidents, "_case_open", failing_on(fails_on, incidents._case_open))
    now = timezone.now()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(DatabaseError),
    ):
        incidents.incident_register(
            acting_user=reporter,
            via=ReportedVia.STAFF,
            supplier=hosting,
            title="Intrång hos driftleverantören",
            description="Angripare kom åt kunddata.",
            started_at=now - dt.timedelta(days=2),
            discovered_at=now - dt.timedelta(days=1),
            affected_services="Drift",
            data_categories="Namn, personnummer",
            severity="critical",
            sources="Leverantörens mejl",
        )
    assert table_counts() == before
    assert callbacks == []
    assert mail.outbox == []
