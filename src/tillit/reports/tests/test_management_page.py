from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse

from tillit.conftest import Personas
from tillit.reports.management_report import report_context
from tillit.reports.models import ManagementReport
from tillit.reports.tests.data import management_data

CHARTS = (
    "chart-findings",
    "chart-critical",
    "chart-overdue",
    "chart-suppliers",
    "chart-findings-trend",
    "chart-followup-trend",
    "chart-assessed-trend",
)


def test_the_overview_shows_each_chart_with_its_table(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    management_data(personas.org_a, personas.admin_a)
    client = personas.client(personas.reader_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get(reverse("management", args=["org-a"]))  # worked out and kept, as it mostly is
    with django_assert_max_num_queries(7):  # one more: the language remembered
        response = client.get(reverse("management", args=["org-a"]))
    assert response.status_code == 200
    text = response.content.decode()
    for key in CHARTS:
        assert f'aria-labelledby="{key}-title {key}-desc"' in text
    assert text.count('role="img"') == len(CHARTS)
    assert text.count('<details class="chart-data">') == len(CHARTS)
    assert "<caption>Open findings by severity</caption>" in text
    # The numbers behind the charts: findings (2 high, 1 medium), suppliers and the trend.
    assert '<th scope="row">High</th><td>2</td>' in text
    assert '<th scope="row">Skoldata AB</th><td>2</td>' in text
    assert '<th scope="row">Finding</th><td>1</td>' in text  # overdue by kind
    assert '<th scope="row">2027-01</th><td>4</td><td>1</td><td>0</td>' in text
    assert '<th scope="row">2027-01</th><td>50 %</td>' in text
    assert '<th scope="row">2027-02</th><td>0 %</td>' in text
    # The risk heat map, with the risk after measures counted in its cell.
    assert 'id="heatmap-residual"' in text
    assert reverse("risk-list", args=["org-a"]) in text


def test_the_overview_of_an_organisation_without_figures(personas: Personas) -> None:
    response = personas.client(personas.reader_a).get(reverse("management", args=["org-a"]))
    text = response.content.decode()
    assert text.count('role="img"') == 1  # open findings, all naught
    assert "chart-findings-trend" not in text


def test_only_members_see_the_overview(personas: Personas) -> None:
    management_data(personas.org_a, personas.admin_a)
    for user in (personas.coordinator_b, personas.outsider):
        response = personas.client(user).get(reverse("management", args=["org-a"]))
        assert response.status_code == 404
        assert "Skoldata AB" not in response.content.decode()
    own = personas.client(personas.coordinator_b).get(reverse("management", args=["org-b"]))
    assert "Skoldata AB" not in own.content.decode()


def test_the_page_and_the_report_draw_the_same_charts(personas: Personas) -> None:
    management_data(personas.org_a, personas.admin_a)
    response = personas.client(personas.reader_a).get(reverse("management", args=["org-a"]))
    report = ManagementReport(
        organisation=personas.org_a,
        period_start=dt.date(2027, 1, 1),
        period_end=response.context["today"],
        language="sv",
    )
    context = report_context(report, response.context["today"])
    assert [c.svg for c in context["charts"]] == [c.svg for c in response.context["charts"]]
    for chart in context["charts"]:
        assert chart.svg in response.content.decode()
