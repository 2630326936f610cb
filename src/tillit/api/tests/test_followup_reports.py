"""The follow-up plan and the reports through the API."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from tillit.api.tests.conftest import World
from tillit.audit.models import AuditEvent
from tillit.documents.services import document_store
from tillit.reports.figures import snapshot_take
from tillit.reports.models import ManagementReport, ReportStatus
from tillit.testing import make_asset, make_contract

ORG = "/api/v1/organisations/org-a/"


def test_the_follow_up_plan(
    world: World, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    org = world.personas.org_a
    for _ in range(5):
        make_contract(org, assets=[make_asset(org, confidentiality=2)])
    client = world.client(world.read_a)
    with django_assert_max_num_queries(40):
        plan = client.get(ORG + "followup/", {"limit": "500"}).json()
    kinds = {item["kind"] for item in plan["results"]}
    assert {"reassessment", "finding", "incident_reassessment", "classification"} <= kinds
    dues = [item["due"] for item in plan["results"]]
    assert dues == sorted(dues)
    finding = next(item for item in plan["results"] if item["kind"] == "finding")
    assert finding["key"] == f"finding:{world.objects['finding']}"
    assert finding["url"].startswith("http://testserver/o/org-a/findings/")
    # Who started the assessment answers for its findings.
    assert [person["email"] for person in finding["responsible"]] == ["admin@a.test"]
    only = client.get(ORG + "followup/", {"kind": "finding"}).json()
    assert [item["kind"] for item in only["results"]] == ["finding"]
    mine = client.get(ORG + "followup/", {"mine": "true", "limit": "500"}).json()
    assert mine["count"] == plan["count"]
    overdue = client.get(ORG + "followup/", {"status": "overdue"}).json()["results"]
    today = timezone.localdate().isoformat()
    assert all(item["due"] < today for item in overdue)
    assert client.get(ORG + "followup/", {"kind": "nothing"}).status_code == 400


def test_key_figures_and_snapshots(world: World) -> None:
    client = world.client(world.read_a)
    figures = client.get(ORG + "reports/key-figures/").json()
    assert figures["date"] == timezone.localdate().isoformat()
    assert figures["figures"]["suppliers"] == 1
    assert figures["figures"]["findings_open"] == {"low": 0, "medium": 0, "high": 1}
    assert figures["figures"]["open_cases"] == 1
    assert client.get(ORG + "reports/snapshots/").json()["count"] == 0
    snapshot_take(world.personas.org_a, dt.date(2026, 1, 10))
    snapshots = client.get(ORG + "reports/snapshots/").json()["results"]
    assert [s["month"] for s in snapshots] == ["2026-01-01"]
    assert snapshots[0]["figures"]["suppliers"] == 1


def test_request_and_download_a_management_report(world: World) -> None:
    client = world.client(world.write_a)
    body = {"period_start": "2026-01-01", "period_end": "2026-06-30", "reference": "KS 2026/7"}
    assert (
        world.client(world.read_a)
        .post(ORG + "reports/management/", body, format="json")
        .status_code
        == 403
    )
    backwards = client.post(
        ORG + "reports/management/", body | {"period_end": "2025-12-31"}, format="json"
    )
    assert set(backwards.json()["errors"]) == {"period_end"}
    response = client.post(ORG + "reports/management/", body, format="json")
    assert response.status_code == 201, response.json()
    report = response.json()
    assert (report["status"], report["language"], report["content"]) == ("queued", "sv", None)
    assert AuditEvent.objects.filter(action="report.request", object_id=report["id"]).exists()
    content = ORG + f"reports/management/{report['id']}/content"
    waiting = client.get(content)
    assert waiting.status_code == 409
    assert waiting.json()["type"] == "tag:tillit,2026:problem:conflict"
    # What the worker does when it has made the PDF (tillit.reports.management_report).
    made = ManagementReport.objects.get(pk=report["id"])
    made.document = document_store(
        acting_user=None,
        organisation=world.personas.org_a,
        upload=SimpleUploadedFile("ledningsrapport.pdf", b"%PDF-1.7 rapport"),
    )
    made.status = ReportStatus.DONE
    made.save()
    done = client.get(ORG + f"reports/management/{report['id']}/").json()
    assert done["content"] == f"http://testserver{content}"
    pdf = client.get(content)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == b"%PDF-1.7 rapport"
    assert client.get(ORG + "reports/management/").json()["count"] == 2  # and the world's
