"""The report of an assessment as PDF, laid out by WeasyPrint from a Django template."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import translation

from tillit.assessments.report import labels
from tillit.assessments.report.content import Report
from tillit.lib.pdf import html_to_pdf


def _text(value: str | dt.date | None) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value or labels.DASH


def render_report_pdf(report: Report) -> bytes:
    with translation.override(report.language):
        context = {
            "report": report,
            "facts": labels.facts(report),
            "tally_columns": [str(column) for column in labels.TALLY_COLUMNS],
            "finding_columns": [str(column) for column in labels.FINDING_COLUMNS],
            "finding_rows": [
                [_text(value) for value in labels.finding_cells(finding)]
                for finding in report.findings
            ],
        }
        html = render_to_string("assessments/report/report.html", context)
    return html_to_pdf(html)
