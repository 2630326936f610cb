"""The management overview is worked out once and kept per day and language until the
organisation's next audited write; its page lists the critical systems a page at a time."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pytest_django import DjangoAssertNumQueries

from tillit.conftest import Personas
from tillit.reports import views
from tillit.reports.overview import overview
from tillit.reports.tests.data import management_data
from tillit.testing import make_asset


def test_the_overview_is_kept_until_the_next_audited_write(
    personas: Personas, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    management_data(personas.org_a, personas.admin_a)
    today = timezone.localdate()
    first = overview(personas.org_a, today)
    with django_assert_max_num_queries(2):  # the latest audit event, the cache
        assert overview(personas.org_a, today)["figures"] == first["figures"]
    make_asset(personas.org_a, integrity=3)  # classified through the service: audited
    after = overview(personas.org_a, today)["figures"]
    assert after.critical_assets == first["figures"].critical_assets + 1
    # Another day, or another organisation's write, is worked out on its own.
    assert overview(personas.org_b, today)["figures"].critical_assets == 0


def test_the_overview_is_kept_per_language(personas: Personas) -> None:
    management_data(personas.org_a, personas.admin_a)
    today = timezone.localdate()
    with translation.override("sv"):
        swedish = [chart.title for chart in overview(personas.org_a, today)["charts"]]
    with translation.override("en"):
        english = [chart.title for chart in overview(personas.org_a, today)["charts"]]
    assert "Open findings by severity" in english
    assert "Open findings by severity" not in swedish
    assert len(swedish) == len(english)


def test_the_page_lists_the_critical_systems_a_page_at_a_time(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "CRITICAL_PAGE", 2)
    for name in ("Alfa", "Beta", "Gamma"):
        make_asset(personas.org_a, name, confidentiality=3)
    client = personas.client(personas.reader_a)
    url = reverse("management", args=["org-a"])
    first = client.get(url).content.decode()
    assert '<th scope="row">Alfa</th>' in first
    assert '<th scope="row">Beta</th>' in first
    assert '<th scope="row">Gamma</th>' not in first
    assert "?page=2" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert '<th scope="row">Gamma</th>' in second
    assert '<th scope="row">Alfa</th>' not in second
