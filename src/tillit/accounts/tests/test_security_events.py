from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core import mail
from django.test import Client

from tillit.accounts.models import User
from tillit.accounts.tests.test_login import totp_code
from tillit.audit.models import AuditEvent
from tillit.conftest import Personas
from tillit.testing import PASSWORD


def _actions(user: User) -> list[str]:
    return list(
        AuditEvent.objects.filter(actor_id=user.pk).order_by("id").values_list("action", flat=True)
    )


def test_sign_in_failed_code_and_sign_out_are_audited(personas: Personas) -> None:
    client = Client()
    client.post("/accounts/login/", {"login": "admin@a.test", "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(personas.admin_a)})
    client.post("/accounts/logout/")
    assert _actions(personas.admin_a) == ["auth.mfa_failed", "auth.login", "auth.logout"]


def test_a_recovery_code_works_once(personas: Personas) -> None:
    codes = RecoveryCodes.activate(personas.admin_a).generate_codes()
    for expected in (True, False):
        client = Client()
        client.post("/accounts/login/", {"login": "admin@a.test", "password": PASSWORD})
        client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
        assert ("_auth_user_id" in client.session) is expected


def test_invited_member_sets_a_password_through_reset(personas: Personas) -> None:
    user = User.objects.create_user("ny@a.test")  # as membership_add leaves a new person
    response = Client().post("/accounts/password/reset/", {"email": "ny@a.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/key/" in line)
    path = link[link.index("/accounts/") :].strip()
    client = Client()
    form_url = client.get(path)["Location"]  # allauth moves the key into the session
    new_password = "a-long-new-password-2026"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert _actions(user) == ["auth.password_reset"]
    assert not Authenticator.objects.filter(user=user).exists()
