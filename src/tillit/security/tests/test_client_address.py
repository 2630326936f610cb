"""Rate limits count per client, also behind the reverse proxy production runs behind.

Behind a proxy every request arrives from the proxy's address; counting per REMOTE_ADDR would
put every user in one bucket, so ten wrong passwords a minute from anyone would lock everyone
out of signing in (and the portal's per-address limit would be shared by all suppliers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.request import Request

from tillit.api.throttling import ApiThrottle
from tillit.assessments.services import link_issue
from tillit.assessments.views import portal as portal_views
from tillit.conftest import Personas
from tillit.lib.ratelimit import client_address
from tillit.testing import PASSWORD, make_assessment
from tillit.web.tests.test_settings import PRODUCTION, _tillit

PROXY = "10.0.0.2"


def _behind_proxy(client_ip: str) -> Client:
    """A browser at client_ip, reaching Tillit through the proxy, which appends the address it
    saw to X-Forwarded-For (whatever the browser put there itself)."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"6.6.6.6, {client_ip}")


@pytest.fixture
def one_proxy(settings: Any) -> None:
    settings.TRUSTED_PROXIES = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


@pytest.mark.usefixtures("one_proxy")
def test_an_attacker_behind_the_proxy_does_not_lock_others_out(personas: Personas) -> None:
    attacker = _behind_proxy("203.0.113.5")
    for number in range(12):
        attacker.post("/accounts/login/", {"login": f"guess{number}@a.test", "password": "x"})
    refused = attacker.post("/accounts/login/", {"login": "admin@a.test", "password": PASSWORD})
    assert "För många misslyckade inloggningsförsök" in refused.content.decode()
    colleague = _behind_proxy("198.51.100.7")
    response = colleague.post("/accounts/login/", {"login": "admin@a.test", "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"


@pytest.mark.usefixtures("one_proxy")
def test_the_portal_limits_each_client_behind_the_proxy(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    _link, token = link_issue(
        acting_user=personas.admin_a,
        assessment=make_assessment(personas.org_a),
        contact_name="Kim",
        contact_email="kim@leverantor.test",
    )
    monkeypatch.setattr(portal_views, "PER_ADDRESS", 2)
    url = reverse("portal-entry", args=[token])
    noisy = _behind_proxy("203.0.113.5")
    assert [noisy.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert _behind_proxy("198.51.100.7").get(url).status_code == 200


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.2"),  # no proxy: the header is the client's own, not trusted
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (1, "", "10.0.0.2"),
        (2, "198.51.100.7", "10.0.0.2"),  # fewer entries than proxies: do not guess
    ],
)
def test_client_address(settings: Any, proxies: int, forwarded: str, expected: str) -> None:
    settings.TRUSTED_PROXIES = proxies
    request = Client().get("/").wsgi_request
    request.META |= {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_address(request) == expected


def test_production_trusts_one_proxy_by_default_and_allauth_agrees(tmp_path: Path) -> None:
    script = (
        "from django.conf import settings; "
        "print(settings.TRUSTED_PROXIES, settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    )
    result = _tillit(tmp_path, PRODUCTION, "shell", "--no-imports", "-c", script)
    assert result.stdout.split() == ["1", "1"], result.stderr


def test_the_api_throttle_counts_the_same_address(db: None) -> None:
    """The API's limit for requests without a token or session is per address; a made-up
    X-Forwarded-For must not make each request look like it comes from a new one. (Without
    proxies configured, as here, the header is ignored; behind them see client_address.)"""
    request = Client().get("/").wsgi_request
    request.META |= {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert ApiThrottle().get_ident(Request(request)) == "10.0.0.2"
