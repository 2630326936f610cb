"""The follow-up plan and the reports through the API."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tillit.accounts.models import User
from tillit.api.tests.conftest import FEW, MANY, World, cost
from tillit.audit.models import AuditEvent
from tillit.classification.services import asset_update
from tillit.documents.services import document_store
from tillit.organisations.roles import Role
from tillit.reports.figures import snapshot_take
from tillit.reports.models import ManagementReport, ReportStatus
from tillit.reports.tests.data import critical_system, made_report
from tillit.testing import make_asset, make_contract, make_member

ORG = "/api/v1/organisations/org-a/"


def _owned_systems(world: World, count: int) -> list[User]:
    """Systems under contract, each owned by a member of its own: a reassessment, a penetration
    test and a classification review each, in the plan."""
    org, owners = world.personas.org_a, []
    for _ in range(count):
        owners.append(make_member(org, Role.SYSTEM_OWNER))
        asset = make_asset(org, confidentiality=2)
        asset_update(acting_user=world.personas.admin_a, asset=asset, owner=owners[-1])
        make_contract(org, assets=[asset])
    return owners


def _worked_out(queries: CaptureQueriesContext) -> bool:
    return any("INSERT" in q["sql"] and "followup_planitem" in q["sql"] for q in queries)


def test_the_follow_up_plan(world: World) -> None:
    client = world.client(world.read_a)
    client.get(ORG + "followup/")  # the token's use recorded (once a minute), not the plan's
    owners = _owned_systems(world, 1)
    # Each counted request works the plan out again after the writes, then lists it.
    with CaptureQueriesContext(connection) as few:
        before = client.get(ORG + "followup/", {"limit": "500"}).json()["count"]
    owners += _owned_systems(world, 12)
    with CaptureQueriesContext(connection) as many:
        plan = client.get(ORG + "followup/", {"limit": "500"}).json()
    assert plan["count"] == len(plan["results"]) == before + 3 * 12
    responsible = {p["email"] for item in plan["results"] for p in item["responsible"]}
    assert {owner.email for owner in owners} <= responsible
    assert _worked_out(few)
    assert _worked_out(many)
    assert len(many) == len(few)
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
    # The systems' owners answer for their reassessments and reviews; the token's user for the rest.
    assert mine["count"] == plan["count"] - 2 * len(owners)
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


def test_the_key_figures_cost_the_same_for_few_and_many_critical_systems(world: World) -> None:
    org, client = world.personas.org_a, world.client(world.read_a)
    for number in range(FEW):
        critical_system(org, world.personas.admin_a, f"Kritiskt {number:02d}")
    few, _figures = cost(client, ORG + "reports/key-figures/")
    for number in range(FEW, MANY):
        critical_system(org, world.personas.admin_a, f"Kritiskt {number:02d}")
    many, figures = cost(client, ORG + "reports/key-figures/")
    assert [
        (a["name"], a["suppliers"], a["certified"], a["agreement"]) for a in figures["critical"]
    ] == [(f"Kritiskt {n:02d}", [f"Kritiskt {n:02d} AB"], True, True) for n in range(MANY)]
    assert many == few


def test_the_snapshots_cost_the_same_for_few_and_many_months(world: World) -> None:
    client = world.client(world.read_a)
    months = [dt.date(2025 + n // 12, n % 12 + 1, 1) for n in range(MANY)]
    for month in months[:FEW]:
        snapshot_take(world.personas.org_a, month)
    few, _snapshots = cost(client, ORG + "reports/snapshots/")
    for month in months[FEW:]:
        snapshot_take(world.personas.org_a, month)
    many, snapshots = cost(client, ORG + "reports/snapshots/")
    assert [s["month"] for s in snapshots["results"]] == [m.isoformat() for m in reversed(months)]
    assert many == few


def test_the_report_list_costs_the_same_for_few_and_many_reports(world: World) -> None:
    org, admin = world.personas.org_a, world.personas.admin_a
    client = world.client(world.read_a)
    for number in range(FEW):
        made_report(org, admin, f"KS 2026/{number}")
    few, _reports = cost(client, ORG + "reports/management/")
    for number in range(FEW, MANY):
        made_report(org, admin, f"KS 2026/{number}")
    many, reports = cost(client, ORG + "reports/management/")
    made = [r for r in reports["results"] if r["reference"].startswith("KS 2026/")]
    assert len(made) == MANY  # and the world's, not yet made
    assert all(r["content"] and r["requested_by"]["email"] == admin.email for r in made)
    assert many == few


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
