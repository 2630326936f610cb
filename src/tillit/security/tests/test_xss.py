"""Stored and reflected script: hostile text in every free-text field is shown as text on
every page of organisation A, the operator's pages and the supplier portal."""

from __future__ import annotations

import re

from django.test import Client
from django.utils import timezone

from tillit.assessments.views.portal import SESSION_KEY, VERIFIED_SECONDS
from tillit.conftest import Personas
from tillit.security.tests.hostile import RAW, escaped, hostile_world, payload
from tillit.security.tests.routes import all_routes, arguments_of_a, url_for

# Sign-in pages show no stored text. Downloads (routes with a format) are checked in
# test_documents.
SKIP = re.compile(r"^(account_|mfa_|set_language$)")


def _raw_script(content: str) -> list[str]:
    return [raw for raw in RAW if raw in content]


def test_hostile_text_is_escaped_on_every_page(personas: Personas) -> None:
    world = hostile_world(personas)
    arguments = arguments_of_a(personas) | world.arguments()
    personas.admin_a.is_superuser = True  # the operator's pages too
    personas.admin_a.save(update_fields=["is_superuser"])
    staff = personas.client(personas.admin_a)
    supplier = Client()
    session = supplier.session
    session[SESSION_KEY] = {str(world.link.pk): timezone.now().timestamp() + VERIFIED_SECONDS}
    session.save()
    shown: set[str] = set()
    pages = 0
    for name, params in all_routes():
        if SKIP.match(name) or "fmt" in params:
            continue
        client = supplier if name.startswith("portal-") else staff
        url = url_for(name, params, arguments)
        # Full pages, and the fragments htmx asks for.
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            content = response.content.decode()
            assert not _raw_script(content), f"{url} ({headers}): {_raw_script(content)}"
            shown |= {label for label in world.labels if escaped(label) in content}
            pages += 1
    assert pages >= 40
    # Every hostile field was on some page (else the test would prove nothing about it).
    assert set(world.labels) - shown == set()


def test_search_terms_are_escaped_where_they_are_shown_again(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    hostile = payload("search")
    for url in ("/o/org-a/suppliers/", "/o/org-a/catalogue/"):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, {"q": hostile, "reference": hostile}, headers=headers)
            assert response.status_code == 200
            assert not _raw_script(response.content.decode()), url
