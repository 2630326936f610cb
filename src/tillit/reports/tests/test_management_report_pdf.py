from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from tillit.conftest import Personas
from tillit.reports import management_report
from tillit.reports.models import ManagementReport
from tillit.reports.tests.data import MEASURES, RISK, management_data

TODAY = dt.date(2027, 3, 15)


def _text(pdf: bytes) -> str:
    pages = (page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(" ".join(pages).split())  # table cells and chart labels wrap


def _report(personas: Personas, language: str) -> str:
    management_data(personas.org_a, personas.admin_a)
    report = ManagementReport.objects.create(
        organisation=personas.org_a,
        period_start=dt.date(2027, 1, 1),
        period_end=TODAY,
        language=language,
        reference="KS 2027/12",
        decisions="Besluta om budget för leverantörsuppföljning.",
        requested_by=personas.admin_a,
    )
    return _text(management_report.render(report, TODAY))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "Open findings by severity",
                "critical systems lack",
                "Overdue follow-up by kind",
                "Suppliers carrying the most critical systems",
                "Open findings by severity, month by month",
                "Overdue follow-up and supplier incidents, month by month",
                "Critical systems with a valid supplier assessment, month by month",
                "Risks by likelihood and consequence after measures "
                "(4 \N{MULTIPLICATION SIGN} 4). Risks not closed: 1.",
                "The highest risks after measures, and their treatment",
                "Reduce",
                "Being treated",
                "Supplier status for critical systems",
                "Decisions asked of management",
            ],
        ),
        ("sv", ["Ledningsrapport", "Reducera", "Under behandling", "Hög"]),
    ],
)
def test_the_report_holds_the_charts_risks_and_suppliers(
    personas: Personas, language: str, expected: list[str]
) -> None:
    text = _report(personas, language)
    for phrase in expected:
        assert phrase in text
    assert RISK in text
    assert MEASURES in text
    # Supplier status: Skoldata AB serves both critical systems (one due for assessment) and
    # 13 000 people.
    assert "Skoldata AB 2 1 13000 4" in text
    # Text drawn in the charts is text in the PDF: the bars' labels and the months.
    assert "HR-Lön AB" in text
    assert "2027-02" in text
    assert "Besluta om budget för leverantörsuppföljning." in text


def test_the_report_names_the_critical_systems_that_lack_something_up_to_a_limit(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    management_data(personas.org_a, personas.admin_a)
    report = ManagementReport.objects.create(
        organisation=personas.org_a,
        period_start=dt.date(2027, 1, 1),
        period_end=TODAY,
        language="en",
        requested_by=personas.admin_a,
    )
    context = management_report.report_context(report, TODAY)
    lacking = [a for a in context["critical"] if not (a.assessed and a.certified and a.agreement)]
    assert len(lacking) == 3  # every critical system of the data has a gap
    assert context["gaps"] == sorted(lacking, key=lambda a: (-a.level, a.name))
    assert context["gaps"][0].level == 4

    monkeypatch.setattr(management_report, "GAPS_LISTED", 2)
    text = _text(management_report.render(report, TODAY))
    first, second, third = sorted(lacking, key=lambda a: (-a.level, a.name))
    assert f"{first.name} {first.level} " in text
    assert f"{second.name} {second.level} " in text
    assert f"{third.name} {third.level} " not in text
    assert "And 1 more critical system that lacks something" in text
