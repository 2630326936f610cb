from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tillit.conftest import Personas
from tillit.reports.management_report import report_context
from tillit.reports.models import ManagementReport
from tillit.reports.tests.data import critical_system, made_report, management_data
from tillit.testing import make_asset

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


def _worked_out(client: Client, personas: Personas) -> tuple[int, str]:
    """The queries of the request that works the overview out: the one after an audited write,
    which leaves what was kept out of date (the follow-up plan as well)."""
    url = reverse("management", args=["org-a"])
    client.get(url)  # kept, as it mostly is
    make_asset(personas.org_a, integrity=1)  # audited, and not critical: no row of its own
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert any("INSERT" in q["sql"] and "tillit_cache" in q["sql"] for q in queries), (
        "worked out and kept anew"
    )
    return len(queries), response.content.decode()


def _rows(personas: Personas, numbers: range) -> None:
    for number in numbers:
        name = f"Kritiskt {number:02d}"
        critical_system(personas.org_a, personas.admin_a, name)
        made_report(personas.org_a, personas.admin_a, f"KS 2026/{number}")


def test_working_the_overview_out_costs_the_same_for_2_and_14_critical_systems(
    personas: Personas,
) -> None:
    client = personas.client(personas.reader_a)
    _rows(personas, range(2))
    few, _text = _worked_out(client, personas)
    _rows(personas, range(2, 14))
    many, text = _worked_out(client, personas)
    text = " ".join(text.split())
    for number in range(14):  # each with its level, supplier, certificate and agreement
        name = f"Kritiskt {number:02d}"
        row = f'<th scope="row">{name}</th> <td>3</td> <td>{name} AB</td> <td>Ja</td> <td>Ja</td>'
        assert f"{row} <td>Ja</td>" in text
    assert text.count("/documents/") >= 10  # the reports' downloads
    assert many == few


def test_the_report_list_costs_the_same_for_2_and_12_reports(personas: Personas) -> None:
    client = personas.client(personas.reader_a)
    url = reverse("management-report", args=["org-a"])
    reports = [made_report(personas.org_a, personas.admin_a, f"KS 2026/{n}") for n in range(2)]
    with CaptureQueriesContext(connection) as few:
        client.get(url, headers={"HX-Request": "true"})
    reports += [made_report(personas.org_a, personas.admin_a, f"KS 2026/{n}") for n in range(10)]
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, headers={"HX-Request": "true"})
    text = response.content.decode()
    assert text.count("<li>") == 10  # the newest ten, each with its download
    for report in reports[-10:]:
        assert report.document is not None
        assert reverse("document-download", args=["org-a", report.document.pk]) in text
    assert len(many) == len(few)
