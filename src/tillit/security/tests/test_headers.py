"""What a signed-in person sees is not kept in caches: every page says no-store."""

from __future__ import annotations

import re

from django.test import Client

from tillit.conftest import Personas
from tillit.security.tests.routes import all_routes, arguments_of_a, url_for

# The portal sets its own headers (tested below); downloads in a format are skipped, as
# rendering PDFs takes long and they pass the same middleware.
SKIP = re.compile(r"^(portal-|set_language$|account_logout$)")


def test_no_page_for_a_signed_in_person_may_be_cached(personas: Personas) -> None:
    arguments = arguments_of_a(personas)
    personas.admin_a.is_superuser = True
    personas.admin_a.save(update_fields=["is_superuser"])
    client = personas.client(personas.admin_a)
    checked = 0
    for name, params in all_routes():
        if SKIP.match(name) or "fmt" in params:
            continue
        url = url_for(name, params, arguments)
        if url.startswith("/api/"):
            continue  # its own test below
        response = client.get(url)
        if response.status_code != 200:
            continue
        assert "no-store" in response.get("Cache-Control", ""), name
        checked += 1
    assert checked >= 50


def test_the_supplier_portal_and_the_api_are_not_cached_either(personas: Personas) -> None:
    arguments = arguments_of_a(personas)
    portal = Client().get(url_for("portal-entry", ("token",), arguments))
    assert "no-store" in portal["Cache-Control"]
    api = personas.client(personas.admin_a).get("/api/v1/organisations/")
    assert "no-store" in api["Cache-Control"]
