from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tillit.conftest import Personas
from tillit.organisations.models import Membership
from tillit.organisations.roles import Role
from tillit.testing import make_organisation


def test_home_takes_a_single_membership_straight_to_its_organisation(personas: Personas) -> None:
    response = personas.client(personas.admin_a).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/o/org-a/"


def test_home_lists_several_organisations(personas: Personas) -> None:
    Membership.objects.create(
        organisation=personas.org_b, user=personas.admin_a, role=Role.MANAGEMENT
    )
    content = personas.client(personas.admin_a).get("/").content.decode()
    assert "Organisation A" in content
    assert "Organisation B" in content


def test_home_costs_the_same_for_2_and_12_memberships(personas: Personas) -> None:
    def join(organisations: int) -> None:
        for _ in range(organisations):
            Membership.objects.create(
                organisation=make_organisation(), user=personas.admin_a, role=Role.MANAGEMENT
            )

    client = personas.client(personas.admin_a)
    join(1)
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    join(10)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/")
    assert response.content.decode().count('<li><a href="/o/') == 12
    assert len(many) == len(few)


def test_home_without_organisation_explains(personas: Personas) -> None:
    content = personas.client(personas.outsider).get("/").content.decode()
    assert "inte medlem i någon organisation" in content


def test_anonymous_users_are_sent_to_login(db: None) -> None:
    response = Client().get("/o/org-a/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/o/org-a/"


def test_dashboard_shows_the_organisation_and_nav_by_role(personas: Personas) -> None:
    admin = personas.client(personas.admin_a).get("/o/org-a/").content.decode()
    assert "Organisation A" in admin
    assert 'href="/o/org-a/members/"' in admin
    assert 'href="/o/org-a/audit/"' in admin
    reader = personas.client(personas.reader_a).get("/o/org-a/").content.decode()
    assert "Ledning (endast läsrätt)" in reader
    assert 'href="/o/org-a/members/"' not in reader
    assert 'href="/o/org-a/audit/"' not in reader


def test_security_headers(personas: Personas) -> None:
    response = personas.client(personas.admin_a).get("/o/org-a/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


def test_pages_load_nothing_from_elsewhere(personas: Personas) -> None:
    for client, path in [
        (Client(), "/accounts/login/"),
        (personas.client(personas.admin_a), "/o/org-a/"),
        (personas.client(personas.admin_a), "/accounts/2fa/"),
    ]:
        content = client.get(path).content.decode()
        external = re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', content)
        assert external == [], path
        assert "<script>" not in content  # no inline scripts (the CSP would block them)
        assert "/static/django_htmx/htmx-2.min.js" in content


def test_pages_have_landmarks_and_skip_link(personas: Personas) -> None:
    content = personas.client(personas.admin_a).get("/o/org-a/").content.decode()
    assert '<a class="skip-link" href="#main">' in content
    assert '<main id="main"' in content
    assert '<nav class="org-nav" aria-label="Huvudmeny">' in content
    assert 'aria-current="page"' in content
    assert '<label for="language-select">' in content


def test_swedish_even_when_the_browser_asks_for_english(db: None) -> None:
    response = Client().get("/accounts/login/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="sv">' in response.content.decode()
    assert response["Content-Language"] == "sv"


def test_english_once_chosen(db: None) -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response["Location"] == "/accounts/login/"
    content = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in content
    assert "created by your organisation’s administrator" in content
    assert "sign up" not in content.lower()
