"""What management sees of the organisation, gathered once for the overview page and the
management report alike, so the two show the same figures and the very same charts.

Working it out takes a second at an organisation with thousands of critical systems (each with
its contracts, certificates and processor agreements, and seven charts drawn), so it is kept in
the cache for the day, per language, until the organisation's next audited write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.utils.translation import get_language

from tillit.audit.selectors import latest_event_id
from tillit.organisations.models import Organisation
from tillit.reports.charts import management_charts
from tillit.reports.figures import key_figures, supplier_load, trend, trend_series
from tillit.risks.selectors import heatmap, settings_of

KEPT = 24 * 60 * 60  # seconds; the key names the day, so nothing older is ever read


def overview(organisation: Organisation, today: dt.date) -> dict[str, Any]:
    key = f"overview:{organisation.pk}:{today}:{latest_event_id(organisation)}:{get_language()}"
    found: dict[str, Any] | None = cache.get(key)
    if found is None:
        found = _overview(organisation, today)
        cache.set(key, found, KEPT)
    return found


def _overview(organisation: Organisation, today: dt.date) -> dict[str, Any]:
    figures, critical = key_figures(organisation, today)
    months = trend_series(trend(organisation))
    loads = supplier_load(critical)
    settings = settings_of(organisation)
    return {
        "figures": figures,
        "critical": critical,
        "loads": loads,
        "trend": months,
        "charts": management_charts(figures, months, loads),
        "risk_settings": settings,
        "heat": heatmap(organisation, settings=settings),
    }
