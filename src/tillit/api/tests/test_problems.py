"""Errors are RFC 9457 problems; lists are paginated, 50 by default and never more than 500;
requests are rate limited per token."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.conf import settings
from django.test import override_settings

from tillit.api.tests.conftest import World, client_with, make_token
from tillit.classification.models import Asset
from tillit.conftest import Personas

ASSETS = "/api/v1/organisations/org-a/assets/"


def _is_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "errors"}
    assert body["status"] == status
    assert isinstance(body["errors"], dict)
    return body


def test_a_validation_error_names_each_field(world: World) -> None:
    response = world.client(world.write_a).post(
        ASSETS, {"name": "", "owner": "not an address"}, format="json"
    )
    body = _is_problem(response, 400)
    assert body["type"] == "tag:tillit,2026:problem:validation"
    assert set(body["errors"]) == {"name", "owner"}
    assert all(isinstance(message, str) for message in body["errors"]["name"])


def test_nested_errors_are_dotted_paths(world: World) -> None:
    url = f"{ASSETS}{world.objects['asset']}/classifications/"
    response = world.client(world.write_a).post(
        url, {"answers": {"confidentiality": 9}}, format="json"
    )
    errors = _is_problem(response, 400)["errors"]
    assert {"answers.confidentiality", "answers.integrity"} <= set(errors)


def test_dates_beyond_reach_are_refused_naming_the_field(world: World) -> None:
    """A pentest in year 9999 was stored (201) and then broke the organisation's plan for good;
    year 1 in Swedish time (year 0 in UTC) was a server error."""
    org = "/api/v1/organisations/org-a/"
    supplier = str(world.objects["supplier"])
    client = world.client(world.write_a)
    out_of_range = ["Ange ett datum mellan 1900-01-01 och 2199-12-31."]
    for path, body, field in [
        (
            "pentests/",
            {"supplier": supplier, "performed_on": "9999-01-01", "performed_by": "X", "scope": "Y"},
            "performed_on",
        ),
        (
            "certificates/",
            {
                "supplier": supplier,
                "kind": "iso27001",
                "issuer": "X",
                "scope": "Y",
                "valid_from": "2025-01-01",
                "valid_until": "9999-12-31",
            },
            "valid_until",
        ),
        (
            "incidents/",
            {
                "supplier": supplier,
                "title": "T",
                "description": "D",
                "started_at": "0001-01-01T00:00:00",
                "discovered_at": "2026-01-01T00:00:00+01:00",
                "severity": "high",
            },
            "started_at",
        ),
        ("reports/management/", {"period_start": "1899-12-31", "language": "sv"}, "period_start"),
    ]:
        errors = _is_problem(client.post(org + path, body, format="json"), 400)["errors"]
        assert errors[field] == out_of_range, path
    listed = client.get(org + "contracts/", {"ends_before": "2200-01-01"})
    assert _is_problem(listed, 400)["errors"] == {"ends_before": out_of_range}


def test_a_lone_surrogate_is_refused_in_swedish_too(world: World) -> None:
    """DRF's message for it is missing from its Swedish catalogue: it came in English."""
    response = world.client(world.write_a).post(
        ASSETS, '{"name": "a\\ud800b"}', content_type="application/json"
    )
    errors = _is_problem(response, 400)["errors"]
    assert errors == {"name": ["Ensamma surrogattecken är inte tillåtna: U+D800."]}


def test_a_body_that_is_not_an_object(world: World) -> None:
    response = world.client(world.write_a).post(ASSETS, [1, 2], format="json")
    assert "non_field_errors" in _is_problem(response, 400)["errors"]


def test_malformed_json_and_unsupported_media_types(world: World) -> None:
    client = world.client(world.write_a)
    _is_problem(client.post(ASSETS, "{", content_type="application/json"), 400)
    _is_problem(client.post(ASSETS, "name=x", content_type="text/plain"), 415)


def test_not_signed_in_not_found_not_allowed(world: World, personas: Personas) -> None:
    from rest_framework.test import APIClient

    body = _is_problem(APIClient().get(ASSETS), 401)
    assert body["type"] == "about:blank"
    _is_problem(world.client(world.write_b).get(ASSETS), 404)
    _is_problem(world.client(world.read_a).post(ASSETS, {"name": "x"}, format="json"), 403)
    _is_problem(world.client(world.write_a).delete(ASSETS), 405)


def test_problems_speak_swedish_unless_asked_for_english(world: World) -> None:
    client = world.client(world.write_b)
    swedish = client.get(ASSETS)
    assert swedish["Content-Language"] == "sv"
    english = client.get(ASSETS, HTTP_ACCEPT_LANGUAGE="en")
    assert english["Content-Language"] == "en"
    assert english.json()["title"] == "Not found"


def test_lists_are_50_by_default_and_500_at_most(world: World) -> None:
    Asset.objects.bulk_create(
        Asset(organisation=world.personas.org_a, name=f"Tillgång {n:03}") for n in range(520)
    )
    client = world.client(world.read_a)
    first = client.get(ASSETS).json()
    assert len(first["results"]) == 50
    assert first["count"] == 521
    assert "limit=50" in first["next"]
    largest = client.get(ASSETS, {"limit": 500, "offset": 20}).json()
    assert len(largest["results"]) == 500
    for limit in ("501", "0", "-1", "many"):
        _is_problem(client.get(ASSETS, {"limit": limit}), 400)
    _is_problem(client.get(ASSETS, {"offset": "-5"}), 400)
    # Pages do not overlap: the primary key breaks ties in the ordering.
    pages = [
        asset["id"]
        for offset in range(0, 521, 200)
        for asset in client.get(ASSETS, {"limit": 200, "offset": offset}).json()["results"]
    ]
    assert len(pages) == len(set(pages)) == 521


@pytest.mark.parametrize("who", ["token", "session"])
def test_requests_are_rate_limited(personas: Personas, who: str) -> None:
    rates: dict[str, Any] = {
        **cast(dict[str, Any], settings.REST_FRAMEWORK)["DEFAULT_THROTTLE_RATES"],
        "token": "3/minute",
        "user": "3/minute",
    }
    with override_settings(
        REST_FRAMEWORK=settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": rates}
    ):
        if who == "token":
            client: Any = client_with(make_token(personas.admin_a, personas.org_a))
            other: Any = client_with(make_token(personas.admin_a, personas.org_a, name="Annan"))
        else:
            client = personas.client(personas.admin_a)
            other = personas.client(personas.reader_a)
        statuses = [client.get(ASSETS).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = client.get(ASSETS)
        _is_problem(limited, 429)
        assert 1 <= int(limited["Retry-After"]) <= 60
        # Each token (or person) has its own allowance.
        assert other.get(ASSETS).status_code == 200


def test_an_api_address_nothing_answers_to_is_a_problem_too(world: World) -> None:
    client = world.client(world.read_a)
    _is_problem(client.get("/api/v1/organisations/org-a/assets/not-a-uuid/"), 404)
    _is_problem(client.get("/api/v1/nothing/"), 404)
    page = world.personas.client(world.personas.admin_a).get("/o/org-a/nothing/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
