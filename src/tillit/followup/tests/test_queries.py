"""The follow-up plan's pages cost a fixed number of queries however many contracts, systems
and owners an organisation has: the pages read the stored plan, and working it out again (the
plan is read as plain values, owners in one query; only what changed is written) costs a fixed
number too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from tillit.conftest import Personas
from tillit.followup.store import refresh
from tillit.organisations.roles import Role
from tillit.testing import make_assessment, make_asset, make_contract, make_member

# The management overview, which starts from the plan too, is pinned in the reports tests.
PAGES = {"followup-plan": 12, "dashboard": 11}


@pytest.mark.parametrize(("name", "queries"), PAGES.items())
def test_the_pages_of_the_plan_cost_a_fixed_number_of_queries(
    personas: Personas,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    name: str,
    queries: int,
) -> None:
    for number in range(5):
        asset = make_asset(personas.org_a, confidentiality=3, personal_data=True)
        asset.owner = make_member(personas.org_a, Role.SYSTEM_OWNER)
        asset.save(update_fields=["owner"])
        make_contract(personas.org_a, assets=[asset], end=dt.date(2030, 1, number + 1))
        make_assessment(personas.org_a)
    client = personas.client(personas.admin_a)
    refresh(personas.org_a, timezone.localdate())

    with django_assert_max_num_queries(queries):
        response = client.get(reverse(name, args=["org-a"]))

    assert response.status_code == 200
    assert "System" in response.content.decode()
