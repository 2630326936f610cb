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
