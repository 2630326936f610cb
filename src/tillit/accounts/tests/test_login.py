from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.test import Client

from tillit.accounts.models import User
from tillit.conftest import Personas
from tillit.testing import PASSWORD


def totp_code(user: User) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    return str(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))


def test_login_page_is_swedish_by_default(db: None) -> None:
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="sv">' in content
    assert "Logga in" in content


def test_login_page_in_english_on_request(db: None) -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    content = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in content
    assert "Sign In" in content


def test_password_then_totp_signs_in(personas: Personas) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"login": "admin@a.test", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    # Skipping the second step: protected pages still demand a login.
    response = client.get("/o/org-a/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(personas.admin_a)})
    assert response.status_code == 302
    assert client.get("/o/org-a/").status_code == 200


def test_wrong_totp_code_does_not_sign_in(personas: Personas) -> None:
    client = Client()
    client.post("/accounts/login/", {"login": "admin@a.test", "password": PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert client.get("/o/org-a/").status_code == 302


def test_wrong_password_is_refused_in_swedish(personas: Personas) -> None:
    response = Client().post("/accounts/login/", {"login": "admin@a.test", "password": "wrong"})
    assert response.status_code == 200
    assert "lösenordet är felaktigt" in response.content.decode()


def test_failed_logins_are_rate_limited(personas: Personas) -> None:
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"login": "admin@a.test", "password": "wrong"})
    # Even the right password is refused until the limit expires.
    response = client.post("/accounts/login/", {"login": "admin@a.test", "password": PASSWORD})
    assert response.status_code == 200
    assert "För många misslyckade inloggningsförsök" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signup_is_closed(db: None) -> None:
    response = Client().post(
        "/accounts/signup/",
        {"email": "x@example.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="x@example.test").exists()
