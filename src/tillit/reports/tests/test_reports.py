from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from tillit.assessments.models import Finding
from tillit.conftest import Personas
from tillit.documents.services import document_content
from tillit.followup import reminders
from tillit.reports import management_report
from tillit.reports.concentration import subprocessor_reach, supplier_reach
from tillit.reports.figures import key_figures, snapshot_take, trend
from tillit.reports.models import ManagementReport, ReportStatus, Snapshot
from tillit.suppliers.models import SubProcessor
from tillit.suppliers.services import certificate_add
from tillit.testing import (
    make_assessment,
    make_asset,
    make_contract,
    make_organisation,
    make_supplier,
    make_user,
)

TODAY = dt.date(2027, 3, 15)


def test_key_figures_of_critical_systems(personas: Personas) -> None:
    payroll = make_asset(personas.org_a, "Lön", confidentiality=3, personal_data=True)
    make_asset(personas.org_a, "Webb", integrity=1)
    supplier = make_supplier("HR AB")
    make_contract(personas.org_a, supplier, assets=[payroll])
    figures, critical = key_figures(personas.org_a, TODAY)
    assert [(a.name, a.level, a.suppliers) for a in critical] == [("Lön", 3, ["HR AB"])]
    # Never assessed, no certificate, personal data without a processor agreement.
    assert (critical[0].assessed, critical[0].certified, critical[0].agreement) == (
        False,
        False,
        False,
    )
    assert (figures.critical_not_assessed, figures.critical_without_agreement) == (1, 1)
    certificate_add(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        supplier=supplier,
        kind="iso27001",
        issuer="Cert AB",
        scope="Allt",
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2028, 1, 1),
    )
    figures, critical = key_figures(personas.org_a, TODAY)
    assert critical[0].certified
    assert figures.critical_not_certified == 0


def test_open_findings_by_severity(personas: Personas) -> None:
    assessment = make_assessment(personas.org_a)
    for severity in ("high", "high", "low"):
        Finding.objects.create(
            organisation=personas.org_a,
            assessment=assessment,
            title="F",
            severity=severity,
            required_action="Gör",
            deadline=TODAY,
        )
    figures, _critical = key_figures(personas.org_a, TODAY)
    assert figures.findings_open == {"low": 1, "medium": 0, "high": 2}


def test_a_snapshot_a_month_makes_the_trend(personas: Personas) -> None:
    make_asset(personas.org_a, confidentiality=3)
    assert snapshot_take(personas.org_a, dt.date(2027, 1, 20)) is not None
    assert snapshot_take(personas.org_a, dt.date(2027, 1, 31)) is None  # once a month
    make_asset(personas.org_a, integrity=4)
    snapshot_take(personas.org_a, dt.date(2027, 2, 1))
    months = [(s.month, s.figures["critical_assets"]) for s in trend(personas.org_a)]
    assert months == [(dt.date(2027, 1, 1), 1), (dt.date(2027, 2, 1), 2)]


def test_the_daily_pass_takes_the_months_snapshots(personas: Personas) -> None:
    reminders.run(TODAY)
    assert set(Snapshot.objects.values_list("organisation", "month")) == {
        (personas.org_a.pk, dt.date(2027, 3, 1)),
        (personas.org_b.pk, dt.date(2027, 3, 1)),
    }


def test_the_management_page_costs_the_same_for_few_and_many_systems(
    personas: Personas,
) -> None:
    client = personas.client(personas.reader_a)
    counts = []
    for total in (2, 8):
        while personas.org_a.assets.count() < total:
            asset = make_asset(personas.org_a, confidentiality=3, personal_data=True)
            make_contract(personas.org_a, assets=[asset])
        client.get(reverse("management", args=["org-a"]))  # the plan brought up to date
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("management", args=["org-a"]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert "<caption>" in response.content.decode()


@pytest.fixture
def shared_supplier(personas: Personas) -> dict[str, object]:
    """One HR supplier used by A, B and a third organisation; hosting under it."""
    hr, hosting = make_supplier("HR AB"), make_supplier("Hosting AB")
    SubProcessor.objects.create(supplier=hr, subprocessor=hosting, service="Drift", country="SE")
    third = make_organisation("Tredje kommunen")
    for organisation, subjects, protected in (
        (personas.org_a, 100, "skyddad_folkbokforing"),
        (personas.org_b, 50, "none"),
        (third, 25, "none"),
    ):
        asset = make_asset(
            organisation,
            confidentiality=3,
            personal_data=True,
            data_subjects=subjects,
            protected_identities=protected,
        )
        make_contract(organisation, hr, assets=[asset])
    personas.org_b.share_concentration = True
    personas.org_b.save()
    return {"hr": hr, "third": third}


def test_concentration_names_only_those_that_take_part(
    personas: Personas, shared_supplier: dict[str, object]
) -> None:
    top = supplier_reach()[0]
    assert (top.name, top.organisations, top.systems, top.data_subjects, top.protected) == (
        "HR AB",
        3,
        3,
        175,
        1,
    )
    assert top.named == [personas.org_b.name]
    assert top.unnamed == 2
    assert [(r.name, r.suppliers, r.organisations) for r in subprocessor_reach()] == [
        ("Hosting AB", 1, 3)
    ]


def test_who_sees_the_concentration_view(
    personas: Personas, shared_supplier: dict[str, object]
) -> None:
    # B takes part and sees it; A does not take part and does not see it.
    page = personas.client(personas.coordinator_b).get(reverse("concentration", args=["org-b"]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "HR AB" in text
    assert personas.org_a.name not in text
    assert "Tredje kommunen" not in text
    refused = personas.client(personas.admin_a).get(reverse("concentration", args=["org-a"]))
    assert refused.status_code == 403
    assert "HR AB" not in refused.content.decode()
    operator = personas.client(make_user(is_superuser=True))
    assert operator.get(reverse("operator-concentration")).status_code == 200
    assert personas.client(personas.admin_a).get(reverse("operator-concentration")).status_code == (
        403
    )


def test_taking_part_is_a_setting_of_the_organisation(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    org = personas.org_a
    client.post(
        reverse("organisation-settings", args=["org-a"]),
        {
            "name": org.name,
            "slug": org.slug,
            "orgnr": org.orgnr,
            "kind": org.kind,
            "nis2": org.nis2,
            "security_email": org.security_email,
            "share_concentration": "on",
        },
    )
    org.refresh_from_db()
    assert org.share_concentration


def _pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_the_management_report_is_made_in_the_background(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    for number in range(25):  # enough systems for several pages
        make_asset(personas.org_a, f"System {number:02d}", confidentiality=3)
    client = personas.client(personas.reader_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("management-report", args=["org-a"]),
            {
                "period_start": "2026-01-01",
                "period_end": "2026-12-31",
                "language": "sv",
                "reference": "KS 2026/77",
                "secrecy_marking": "Hemlig enligt OSL 18 kap. 8 §",
                "decisions": "Besluta om krav på loggning hos HR-leverantören.",
            },
        )
    assert response["Location"].endswith("#reports")
    report = ManagementReport.objects.get()
    assert report.status == ReportStatus.DONE
    assert report.document is not None
    pages = _pdf_pages(document_content(report.document))
    assert len(pages) > 1
    assert all("Hemlig enligt OSL 18 kap. 8 §" in page for page in pages)
    assert all("KS 2026/77" in page for page in pages)
    text = " ".join(" ".join(pages).split())  # table cells wrap
    assert personas.org_a.name in text
    assert "System 24" in text
    assert "Besluta om krav på loggning hos HR-leverantören." in text
    listing = client.get(reverse("management", args=["org-a"])).content.decode()
    assert reverse("document-download", args=["org-a", report.document.pk]) in listing


def test_a_report_for_a_nonsense_period_is_refused(personas: Personas) -> None:
    client = personas.client(personas.reader_a)
    client.post(
        reverse("management-report", args=["org-a"]),
        {"period_start": "2026-12-31", "period_end": "2026-01-01", "language": "sv"},
    )
    # Year 1 was accepted, and the report then failed in the worker without a reason shown.
    response = client.post(
        reverse("management-report", args=["org-a"]),
        {"period_start": "0001-01-01", "period_end": "2026-01-01", "language": "sv"},
        follow=True,
    )
    assert "Ange perioden som två datum mellan 1900-01-01 och 2199-12-31." in (
        response.content.decode()
    )
    assert not ManagementReport.objects.exists()


def test_a_failed_report_says_so(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    report = ManagementReport.objects.create(
        organisation=personas.org_a,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 6, 30),
        requested_by=personas.admin_a,
    )

    def broken(*args: object) -> bytes:
        raise OSError("no fonts")

    monkeypatch.setattr(management_report, "html_to_pdf", broken)
    with pytest.raises(OSError, match="no fonts"):
        management_report.generate(str(report.pk))
    report.refresh_from_db()
    assert (report.status, report.error) == (ReportStatus.FAILED, "OSError: no fonts")
    assert report.document is None
