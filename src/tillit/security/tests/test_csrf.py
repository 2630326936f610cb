"""CSRF: every state-changing request without the token is refused, on every route.

Routes are discovered from the URL resolver (staff pages, the operator's, the supplier portal,
allauth's, the language switch), so a new route is covered as soon as it exists."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.test import Client
from django.test.client import MULTIPART_CONTENT
from django.utils import timezone

from tillit.assessments.services import link_for_token
from tillit.assessments.views.portal import SESSION_KEY, VERIFIED_SECONDS
from tillit.conftest import Personas
from tillit.organisations.tests.test_tenant_matrix import _org_routes
from tillit.security.tests.routes import all_routes, arguments_of_a, url_for

REFUSED = b"refused by the CSRF check"


def csrf_refused(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Stands in for Django's CSRF failure view, so that a 403 from the CSRF check can be told
    from a 403 for a missing permission."""
    return HttpResponseForbidden(REFUSED)


@pytest.fixture(autouse=True)
def _marked_csrf_failures(settings: Any) -> None:
    settings.CSRF_FAILURE_VIEW = f"{__name__}.csrf_refused"


def _with_csrf_cookie(client: Client) -> Client:
    """The browser of a signed-in victim: it holds a CSRF cookie, which a forged cross-site
    request carries along; only the token in the form is missing."""
    client.cookies["csrftoken"] = "a" * 32
    return client


def _staff(personas: Personas) -> Client:
    # An administrator of A who is also the operator: every route is open to them.
    personas.admin_a.is_superuser = True
    personas.admin_a.save(update_fields=["is_superuser"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.admin_a)
    return _with_csrf_cookie(client)


def _supplier(token: str, link_id: object) -> Client:
    """A supplier contact who has proven the one-time code for the link."""
    client = Client(enforce_csrf_checks=True)
    session = client.session
    session[SESSION_KEY] = {str(link_id): timezone.now().timestamp() + VERIFIED_SECONDS}
    session.save()
    return _with_csrf_cookie(client)


def _check_api(client: Client, url: str) -> None:
    """The API is exempt from Django's check because a bearer token is no ambient credential;
    Django REST framework checks CSRF itself when the session signs a request in. So a
    browser's session cookie cannot write through the API either: whatever the body, an unsafe
    request is refused for CSRF, or as a body type the endpoint does not read (415), or the
    method is not offered (405). Never does it reach the endpoint."""
    bodies = {
        "application/json": '{"name": "x"}',
        "application/x-www-form-urlencoded": "name=x",
        MULTIPART_CONTENT: {"name": "x"},
    }
    for method in ("post", "put", "patch", "delete"):
        for content_type, body in bodies.items():
            response = getattr(client, method)(url, body, content_type=content_type)
            where = f"{method.upper()} {url} ({content_type}): {response.status_code}"
            assert response.status_code in {403, 405, 415}, where
            if response.status_code == 403:
                assert b"CSRF" in response.content, where


def test_every_post_without_a_csrf_token_is_refused(personas: Personas) -> None:
    arguments = arguments_of_a(personas)
    staff = _staff(personas)
    routes = all_routes()
    names = {name for name, _params in routes}
    assert set(_org_routes()) <= names
    assert {"portal-answer", "account_login", "set_language", "operator-import"} <= names
    link = link_for_token(arguments["token"])
    assert link is not None
    checked = 0
    for name, params in routes:
        url = url_for(name, params, arguments)
        client = staff
        if name.startswith("portal-"):
            client = _supplier(arguments["token"], link.pk)
            # The same browser session passes the portal's checks on a safe request.
            assert client.get(url).status_code in {200, 302, 405}, url
        if url.startswith("/api/"):
            _check_api(client, url)
        else:
            response = client.post(url, {"name": "x"})
            assert response.status_code == 403, f"POST {url}: {response.status_code}"
            assert response.content == REFUSED, f"POST {url} was not refused for CSRF"
        checked += 1
    assert checked >= 100


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_unsafe_methods_are_refused_too(personas: Personas, method: str) -> None:
    response = getattr(_staff(personas), method)("/o/org-a/settings/")
    assert response.status_code == 403
    assert response.content == REFUSED


def test_the_same_request_with_the_token_passes(personas: Personas) -> None:
    """The control: with the token from the cookie the check lets the request through."""
    client = _staff(personas)
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/"}, headers={"X-CSRFToken": "a" * 32}
    )
    assert response.status_code == 302
