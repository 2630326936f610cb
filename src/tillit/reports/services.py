"""Writes of reports: asking for a management report (the worker makes it)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tillit.accounts.models import User
from tillit.audit.services import audit_record, diff
from tillit.organisations.models import Organisation
from tillit.reports.models import ManagementReport
from tillit.reports.tasks import generate_report


@transaction.atomic
def report_request(
    *,
    acting_user: User,
    organisation: Organisation,
    period_start: dt.date,
    period_end: dt.date,
    language: str,
    reference: str = "",
    secrecy_marking: str = "",
    decisions: str = "",
) -> ManagementReport:
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period cannot end before it starts.")})
    if language not in ("sv", "en"):
        raise ValidationError({"language": _("Choose Swedish or English.")})
    report = ManagementReport.objects.create(
        organisation=organisation,
        period_start=period_start,
        period_end=period_end,
        language=language,
        reference=reference.strip(),
        secrecy_marking=secrecy_marking.strip(),
        decisions=decisions.strip(),
        requested_by=acting_user,
    )
    audit_record(
        actor=acting_user,
        organisation_id=organisation.id,
        action="report.request",
        obj=report,
        changes=diff(
            {},
            {
                "period": f"{period_start.isoformat()}–{period_end.isoformat()}",
                "language": language,
                "reference": report.reference,
                "secrecy_marking": report.secrecy_marking,
            },
        ),
    )
    transaction.on_commit(lambda: generate_report.enqueue(str(report.pk)))
    return report
