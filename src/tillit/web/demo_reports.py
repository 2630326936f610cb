"""Demo history for Exempelstads kommun's trend charts: six monthly snapshots before this month,
made up for the demo and leading to today's real figures (fewer findings and overdue items month
by month, more critical systems assessed). This month's snapshot is the real one, taken by the
follow-up pass as on any instance."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tillit.organisations.models import Organisation
from tillit.reports.figures import key_figures
from tillit.reports.models import Snapshot

SLUG = "exempelstad"
MONTHS = 6


def _month_back(today: dt.date, months: int) -> dt.date:
    index = today.year * 12 + today.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _earlier(now: dict[str, Any], back: int) -> dict[str, Any]:
    """Today's figures as they might have stood `back` months ago."""
    figures = dict(now)
    figures["findings_open"] = {
        severity: count + back for severity, count in now["findings_open"].items()
    }
    figures["overdue"] = now["overdue"] + back // 2
    figures["critical_not_assessed"] = min(
        now["critical_assets"], now["critical_not_assessed"] + back // 3
    )
    return figures


def load_snapshots() -> None:
    organisation = Organisation.objects.get(slug=SLUG)
    today = timezone.localdate()
    taken = set(Snapshot.objects.filter(organisation=organisation).values_list("month", flat=True))
    months = [_month_back(today, back) for back in range(MONTHS, 0, -1)]
    if all(month in taken for month in months):
        return
    figures, _critical = key_figures(organisation, today)
    now = figures.as_dict()
    Snapshot.objects.bulk_create(
        Snapshot(organisation=organisation, month=month, figures=_earlier(now, MONTHS - number))
        for number, month in enumerate(months)
        if month not in taken
    )
