"""SQL metacharacters in every filter and search parameter of list pages and API lists: never an
error, and a search matches the characters literally, never more rows.

The parameters are discovered: a page's are the fields of its GET forms (and `page`), an API
list's are those in its OpenAPI description."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape
from drf_spectacular.generators import SchemaGenerator

from tillit.api.throttling import ApiThrottle
from tillit.catalogue.models import Requirement
from tillit.conftest import Personas
from tillit.security.tests.routes import all_routes, arguments_of_a, url_for
from tillit.testing import make_catalogue, make_contract, make_supplier, plain_requirements

PAYLOADS = ["' OR 1=1 --", "%", "_", "\\", "%' OR '1'='1", '"; DROP TABLE x; --', "\x00"]
# Names with the characters LIKE treats specially, and one that matches none of them.
SUPPLIERS = ["Alfa AB", "50% Rabatt_AB", "Back\\slash AB", "O'Brien AB"]
MATCHES = {
    "%": {"50% Rabatt_AB"},
    "_": {"50% Rabatt_AB"},
    "\\": {"Back\\slash AB"},
    "'": {"O'Brien AB"},
    "' OR 1=1 --": set(),
    "%' OR '1'='1": set(),
    "a%b": set(),
}
GET_FORM = re.compile(r'<form[^>]*method="get"[^>]*>(.*?)</form>', re.S | re.I)
FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.I)
NAME = re.compile(r'\sname="([^"]+)"')
TYPE = re.compile(r'\stype="([^"]+)"')


def _fields(form: str) -> dict[str, str]:
    """Each named field of a form: "text" for free text, else its tag."""
    fields = {}
    for tag, attributes in FIELD.findall(form):
        name = NAME.search(attributes)
        if name is None:
            continue
        given = TYPE.search(attributes)
        input_type = given.group(1) if given else "text"
        text = tag == "textarea" or (tag == "input" and input_type in ("text", "search"))
        fields[name.group(1)] = "text" if text else tag
    return fields


@pytest.fixture
def world(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    # Hundreds of API requests in a second: the rate limit has its own tests.
    monkeypatch.setattr(ApiThrottle, "allow_request", lambda *_args: True)
    for name in SUPPLIERS:
        make_contract(personas.org_a, make_supplier(name))
    catalogue = make_catalogue(requirements=plain_requirements(2))
    for requirement, title in zip(
        catalogue.requirements.order_by("key"), ["100% backup_plan", "Plain"], strict=True
    ):
        Requirement.objects.filter(pk=requirement.pk).update(title={"sv": title, "en": title})
    personas.admin_a.is_superuser = True
    personas.admin_a.save(update_fields=["is_superuser"])
    return arguments_of_a(personas) | {"catalogue": catalogue.pk}


def _list_pages(arguments: dict[str, Any]) -> list[str]:
    """Pages of the organisation and the operator that need no object: lists and forms."""
    urls = [
        url_for(name, params, arguments)
        for name, params in all_routes()
        if set(params) <= {"org"}
        and not name.startswith(("account_", "mfa_", "portal-", "set_language"))
    ]
    return [url for url in urls if not url.startswith("/api/")]


def test_every_page_filter_takes_metacharacters(personas: Personas, world: dict[str, Any]) -> None:
    client = personas.client(personas.admin_a)
    checked: set[tuple[str, str, str]] = set()
    for url in _list_pages(world):
        page = client.get(url)
        if page.status_code != 200 or "text/html" not in page["Content-Type"]:
            continue
        forms = GET_FORM.findall(page.content.decode())
        fields = {name: kind for form in forms for name, kind in _fields(form).items()}
        fields.setdefault("page", "number")
        # A form that updates the results through htmx gets a fragment back: asked too.
        variants = [{}, {"HX-Request": "true"}] if "hx-get" in page.content.decode() else [{}]
        for field, kind in fields.items():
            # Every payload where text is searched; choices and numbers need only be wrong.
            values = PAYLOADS if kind == "text" else PAYLOADS[:2]
            for value in values:
                for headers in variants:
                    response = client.get(url, {field: value}, headers=headers)
                    assert response.status_code == 200, (url, field, value, response.status_code)
            checked.add((url, field, kind))
    searches = {("/o/org-a/suppliers/", "q"), ("/o/org-a/catalogue/", "q")}
    assert {(url, field, "text") for url, field in searches} <= checked
    assert ("/o/org-a/followup/", "kind", "select") in checked


def _api_lists() -> dict[str, list[str]]:
    # drf-spectacular's generator is untyped.
    schema = SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    return {
        path: [p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "query"]
        for path, operations in schema["paths"].items()
        if "get" in operations and "{fmt}" not in path
    }


def test_every_api_filter_takes_metacharacters(personas: Personas, world: dict[str, Any]) -> None:
    client = personas.client(personas.admin_a)
    checked = 0
    for path, parameters in _api_lists().items():
        url = re.sub(r"\{(\w+)\}", lambda m: str(world[m.group(1)]), path)
        for parameter in parameters:
            for value in PAYLOADS:
                response = client.get(url, {parameter: value})
                # A value of the wrong type is the caller's mistake (400), never a failure.
                assert response.status_code in {200, 400}, (url, parameter, value, response)
                checked += 1
    assert checked >= 100


def _shown_suppliers(client: Client, query: str, api: bool) -> set[str]:
    if api:
        response = client.get(
            "/api/v1/organisations/org-a/suppliers/", {"q": query} if query else {}
        )
        return {row["name"] for row in response.json()["results"]} & set(SUPPLIERS)
    content = client.get("/o/org-a/suppliers/", {"q": query}).content.decode()
    return {name for name in SUPPLIERS if escape(name) in content}


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_a_search_matches_metacharacters_literally(
    personas: Personas, world: dict[str, Any], api: bool
) -> None:
    client = personas.client(personas.admin_a)
    assert _shown_suppliers(client, "", api) == set(SUPPLIERS)
    for query, expected in MATCHES.items():
        assert _shown_suppliers(client, query, api) == expected, query


def test_a_catalogue_search_matches_metacharacters_literally(
    personas: Personas, world: dict[str, Any]
) -> None:
    client = personas.client(personas.admin_a)
    url = f"/api/v1/catalogues/{world['catalogue']}/requirements/"
    for query, expected in {"%": 1, "_": 1, "\\": 0, "' OR 1=1 --": 0, "": 2}.items():
        page = client.get("/o/org-a/catalogue/", {"catalogue": world["catalogue"], "q": query})
        assert page.content.decode().count("T-MANY-") == expected, query
        assert client.get(url, {"q": query} if query else {}).json()["count"] == expected, query
