"""Open redirects: a `next` (or Referer) pointing off-site is never followed, at sign-in,
sign-out or the language switch; a local one is."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.http import url_has_allowed_host_and_scheme

from tillit.accounts.tests.test_login import totp_code
from tillit.conftest import Personas
from tillit.testing import PASSWORD

OFF_SITE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https:evil.example",
    "http://testserver@evil.example/",
    "javascript:alert(1)",
    " https://evil.example/",
]


def _local(location: str) -> bool:
    return url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"})


def _sign_in(personas: Personas, next_url: str) -> str:
    """Password, then the second factor, with `next` on the login URL: where it ends."""
    client = Client()
    response = client.post(
        f"/accounts/login/?next={next_url}", {"login": "admin@a.test", "password": PASSWORD}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(personas.admin_a)})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    return response["Location"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_does_not_follow_an_off_site_next(personas: Personas, target: str) -> None:
    location = _sign_in(personas, target)
    assert _local(location), location
    assert "evil" not in location


def test_login_follows_a_local_next(personas: Personas) -> None:
    assert _sign_in(personas, "/o/org-a/members/") == "/o/org-a/members/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_page_when_signed_in_and_logout_stay_on_site(personas: Personas, target: str) -> None:
    client = personas.client(personas.admin_a)
    response = client.get("/accounts/login/", {"next": target})
    assert response.status_code == 302
    assert _local(response["Location"]), response["Location"]
    response = client.post("/accounts/logout/", {"next": target})
    assert response.status_code == 302
    assert _local(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_language_switch_does_not_follow_an_off_site_next(db: None, target: str) -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": target})
    assert response.status_code == 302
    assert _local(response["Location"]), response["Location"]
    # Without `next` Django falls back to the Referer header: off-site is ignored there too.
    response = client.post("/i18n/setlang/", {"language": "sv"}, headers={"Referer": target})
    assert _local(response["Location"]), response["Location"]


def test_language_switch_follows_a_local_next(db: None) -> None:
    response = Client().post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response["Location"] == "/accounts/login/"
