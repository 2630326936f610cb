"""Every organisation-scoped route, as every persona: B and outsiders get 404 for A's data.

Routes are discovered from the URL resolver, so a new route under /o/<org>/ is covered (or makes
this test fail until it says which object its extra URL arguments point at)."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tillit.conftest import Personas
from tillit.organisations.models import Membership
from tillit.testing import make_asset, make_catalogue


def _org_routes() -> list[str]:
    names = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and "<slug:org>" in str(entry.pattern):
            names += [p.name for p in entry.url_patterns if isinstance(p, URLPattern) and p.name]
    return names


def _kwargs(personas: Personas, name: str) -> dict[str, Any]:
    pattern = get_resolver().reverse_dict.getlist(name)[0][0][0][1]
    objects = {
        "membership": Membership.objects.get(user=personas.reader_a).pk,
        "asset": make_asset(personas.org_a).pk,
        "requirement": make_catalogue().requirements.first().pk,  # type: ignore[union-attr]
    }
    missing = set(pattern) - {"org"} - set(objects)
    assert not missing, f"route {name} takes {missing}: add an object of organisation A here"
    return {key: objects[key] for key in pattern if key != "org"}


def test_other_organisations_and_outsiders_get_404(personas: Personas) -> None:
    routes = _org_routes()
    assert len(routes) >= 5
    for name in routes:
        url = reverse(name, kwargs={"org": "org-a"} | _kwargs(personas, name))
        for user in (personas.coordinator_b, personas.outsider):
            client = personas.client(user)
            # 405 (wrong method) says nothing about the organisation; one method must reach
            # the access check and get 404.
            statuses = {client.get(url).status_code, client.post(url).status_code}
            assert statuses <= {404, 405}, f"{url} as {user}: {statuses}"
            assert 404 in statuses, f"{url} as {user}: {statuses}"
    assert Membership.objects.filter(user=personas.reader_a).exists()
