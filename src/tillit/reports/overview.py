"""What management sees of the organisation, gathered once for the overview page and the
management report alike, so the two show the same figures and the very same charts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tillit.organisations.models import Organisation
from tillit.reports.charts import management_charts
from tillit.reports.figures import key_figures, supplier_load, trend, trend_series
from tillit.risks.selectors import heatmap, settings_of


def overview(organisation: Organisation, today: dt.date) -> dict[str, Any]:
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
