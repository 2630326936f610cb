"""The page of API tokens: each person's own, and for those who manage members every member's."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tillit.api.models import TokenScope
from tillit.api.tests.conftest import make_token
from tillit.conftest import Personas
from tillit.organisations.roles import Role
from tillit.testing import make_member


def _tokens(personas: Personas, count: int) -> None:
    """Tokens of the administrator's own, and as many of other members, one member each."""
    for _ in range(count):
        make_token(personas.admin_a, personas.org_a, TokenScope.READ, "Egen")
        member = make_member(personas.org_a, Role.SYSTEM_OWNER)
        make_token(member, personas.org_a, TokenScope.READ, "Annans")


def test_the_token_page_costs_the_same_for_2_and_12_tokens_each(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    url = reverse("api-token-list", args=["org-a"])
    _tokens(personas, 2)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _tokens(personas, 10)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    content = response.content.decode()
    assert content.count('<span class="visually-hidden"> Egen</span>') == 12
    assert content.count('<span class="visually-hidden"> Annans</span>') == 12
    assert content.count("@example.test</td>") == 12  # each other member's address
    assert len(many) == len(few)
