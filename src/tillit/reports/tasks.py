"""Background work of reports."""

from __future__ import annotations

from django_tasks import task

from tillit.reports import management_report


@task()
def generate_report(report_id: str) -> None:
    management_report.generate(report_id)
