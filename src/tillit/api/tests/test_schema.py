"""The OpenAPI description: valid, served with the documentation page under Tillit's CSP, and
kept by the API: schemathesis generates requests for every operation and checks that none
fails on the server or answers outside the description.

This run is bounded (a few examples per operation) to keep the suite fast; `make fuzz` runs
the same test with many more (FUZZ_EXAMPLES)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tillit.api.tests.conftest import World
from tillit.web.middleware import CONTENT_SECURITY_POLICY
from tillit.wsgi import application

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))


def test_the_schema_is_openapi_3_and_public(db: None) -> None:
    response = Client().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    assert "/api/v1/organisations/{org}/suppliers/" in schema["paths"]


def test_the_documentation_page_works_under_the_csp(db: None) -> None:
    client = Client()
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    assert page["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    html = page.content.decode()
    # Nothing inline that script-src/style-src 'self' would block, nothing from elsewhere.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html
    assert " style=" not in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(source.startswith("/") for source in sources), sources
    script_url = re.findall(r'<script src="([^"]+\?[^"]*script[^"]*)"', html)[0]
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert script["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "/api/v1/schema/" in script.content.decode()
    # Every asset is Tillit's own static file (the tests do not collect them to serve them).
    for source in sources:
        if source.startswith(settings.STATIC_URL):
            assert finders.find(source.split("?")[0].removeprefix(settings.STATIC_URL)), source


@cache
def _description() -> dict[str, Any]:
    """The OpenAPI description, generated once (as /api/v1/schema/ serves it)."""
    # drf-spectacular's generator is untyped.
    generated = SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    return dict(json.loads(OpenApiJsonRenderer().render(generated)))


@pytest.fixture
def _connection_kept() -> Iterator[None]:
    """Tillit's WSGI application closes the database connection after each request; inside a
    test that would throw away the test's transaction (on PostgreSQL). Django's test client
    stops that the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def api_schema(world: World, settings: Any, _connection_kept: None) -> Any:
    # Many requests with one token: no rate limit gets in the way of the test.
    rates = {"token": "100000/minute", "user": "100000/minute", "anonymous": "100000/minute"}
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": rates}
    loaded = schemathesis.openapi.from_dict(_description())
    loaded.app = application
    # A PATCH without If-Match is refused with 428 Precondition Required (RFC 6585).
    # The coverage phase (every boundary and variant of every parameter) takes minutes: only
    # in the long run.
    loaded.config.phases.coverage.enabled = EXAMPLES > 3
    missing_header = loaded.config.checks.missing_required_header
    if "428" not in missing_header.expected_statuses:
        missing_header.expected_statuses = [*missing_header.expected_statuses, "428"]
    return loaded


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 3,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_description(case: Any, world: World) -> None:
    # Aim at organisation A's real objects with A's token, except where schemathesis made the
    # path or a header invalid on purpose: those must stay invalid, and be refused.
    negative = {
        location
        for location, component in (case.meta.components if case.meta else {}).items()
        if not component.mode.is_positive
    }
    if ParameterLocation.PATH not in negative:
        known = {name: str(value) for name, value in world.objects.items()} | {"org": "org-a"}
        case.path_parameters = {
            name: known.get(name, value) for name, value in (case.path_parameters or {}).items()
        }
    headers = (
        {} if ParameterLocation.HEADER in negative else {"Authorization": f"Bearer {world.write_a}"}
    )
    # Valid by the schema is not valid by the rules the services keep (a duplicate name, an
    # organisationsnummer with a wrong check digit, a stale If-Match): a 400, 412 or 428 for
    # well-formed data is no fault, so positive_data_acceptance is left out.
    case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
