"""A person sees where they are signed in and can end every other session (ASVS 3.3.4)."""

from __future__ import annotations

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client

from tillit.accounts.tests.test_login import totp_code
from tillit.conftest import Personas
from tillit.testing import PASSWORD


def _sign_in(browser: str, code: str) -> Client:
    client = Client(HTTP_USER_AGENT=browser)
    client.post("/accounts/login/", {"login": "admin@a.test", "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert client.get("/o/org-a/").status_code == 200
    return client


def test_signing_out_the_other_sessions_ends_them(personas: Personas) -> None:
    laptop = _sign_in("Bärbar webbläsare", totp_code(personas.admin_a))
    # A TOTP code works once: the second sign-in takes a recovery code.
    phone = _sign_in(
        "Telefonens webbläsare", RecoveryCodes.activate(personas.admin_a).generate_codes()[0]
    )

    page = laptop.get("/accounts/sessions/").content.decode()
    assert "Bärbar webbläsare" in page
    assert "Telefonens webbläsare" in page
    response = laptop.post("/accounts/sessions/", {"action": "logout"})

    assert response.status_code == 302
    assert phone.get("/o/org-a/")["Location"].startswith("/accounts/login/")
    assert laptop.get("/o/org-a/").status_code == 200
