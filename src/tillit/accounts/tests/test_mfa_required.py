from __future__ import annotations

import pytest
from django.test import Client

from tillit.conftest import Personas
from tillit.organisations.models import Membership
from tillit.organisations.roles import Role
from tillit.testing import make_user


@pytest.fixture
def no_mfa_client(personas: Personas) -> Client:
    user = make_user("nomfa@a.test", mfa=False)
    Membership.objects.create(organisation=personas.org_a, user=user, role=Role.ADMIN)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "path", ["/", "/o/org-a/", "/o/org-a/members/", "/operator/organisations/"]
)
def test_user_without_mfa_is_sent_to_set_it_up(no_mfa_client: Client, path: str) -> None:
    response = no_mfa_client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/"


def test_mfa_setup_pages_stay_reachable(no_mfa_client: Client) -> None:
    assert no_mfa_client.get("/accounts/2fa/").status_code == 200
    # Activating asks for the password again first; neither step is blocked by the MFA demand.
    response = no_mfa_client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert no_mfa_client.get(response["Location"]).status_code == 200


def test_demo_mode_lets_users_in_without_mfa_and_says_so(
    no_mfa_client: Client, settings: object
) -> None:
    settings.TILLIT_DEMO = True  # type: ignore[attr-defined]
    response = no_mfa_client.get("/o/org-a/")
    assert response.status_code == 200
    assert "Demoläge." in response.content.decode()


def test_no_demo_banner_outside_demo_mode(personas: Personas) -> None:
    response = personas.client(personas.admin_a).get("/o/org-a/")
    assert "Demoläge" not in response.content.decode()
