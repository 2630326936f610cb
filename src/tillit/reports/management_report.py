"""The management report (ledningens genomgång; ISO/IEC 27001 clause 9.3, NIS2 Art. 20): the
figures and charts of the management overview, the risk heat map and the top risks with their
treatment, supplier status for the critical systems, incidents and lessons in the period, and the
decisions asked of management, as a PDF with the reference number and any secrecy marking on
every page.

Made by the worker (tasks.py), stored encrypted as one of the organisation's documents.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tillit.documents.services import document_store
from tillit.incidents.models import Case, Lesson
from tillit.lib.pdf import html_to_pdf
from tillit.reports.models import ManagementReport, ReportStatus
from tillit.reports.overview import overview
from tillit.risks.selectors import top_risks

# The critical systems listed by name: those that lack something, highest level first. A large
# organisation has thousands of critical systems; the review needs the gaps, and the overview in
# Tillit lists them all.
GAPS_LISTED = 50


def report_context(report: ManagementReport, today: dt.date) -> dict[str, Any]:
    organisation = report.organisation
    start = timezone.make_aware(dt.datetime.combine(report.period_start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(report.period_end, dt.time.max))
    cases = list(
        Case.objects.filter(organisation=organisation, created_at__range=(start, end))
        .select_related("incident__supplier")
        .prefetch_related("steps")
        .order_by("created_at")
    )
    lessons = list(
        Lesson.objects.filter(published_at__range=(start, end)).select_related(
            "supplier", "case__incident", "case__organisation"
        )
    )
    context = overview(organisation, today)
    gaps = sorted(
        (a for a in context["critical"] if not (a.assessed and a.certified and a.agreement)),
        key=lambda asset: (-asset.level, asset.name),
    )
    return {
        **context,
        "gaps": gaps[:GAPS_LISTED],
        "gaps_not_listed": len(gaps) - GAPS_LISTED,
        "report": report,
        "organisation": organisation,
        "today": today,
        "top_risks": top_risks(organisation, context["risk_settings"]),
        "cases": cases,
        "lessons": lessons,
    }


def render(report: ManagementReport, today: dt.date) -> bytes:
    with translation.override(report.language):
        html = render_to_string("reports/management_report.html", report_context(report, today))
    return html_to_pdf(html)


def generate(report_id: str) -> ManagementReport:
    """Make the report's PDF and store it; a failure is recorded on the report, not lost."""
    with transaction.atomic():
        report = ManagementReport.objects.select_for_update().get(pk=report_id)
        if report.status == ReportStatus.DONE:
            return report
        report.status = ReportStatus.RUNNING
        report.save(update_fields=["status"])
    try:
        pdf = render(report, timezone.localdate())
        with transaction.atomic():
            name = f"ledningsrapport-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}.pdf"
            report.document = document_store(
                acting_user=report.requested_by,
                organisation=report.organisation,
                upload=SimpleUploadedFile(name, pdf, content_type="application/pdf"),
            )
            report.status, report.finished_at, report.error = (
                ReportStatus.DONE,
                timezone.now(),
                "",
            )
            report.save(update_fields=["document", "status", "finished_at", "error"])
    except Exception as exc:
        report.status, report.error = ReportStatus.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        report.finished_at = timezone.now()
        report.save(update_fields=["status", "error", "finished_at"])
        raise
    return report
