"""A person is told by mail, in Swedish, when their password changes (allauth's notification
mails, which also cover the address and every second factor, behind the same setting)."""

from __future__ import annotations

from django.core import mail

from tillit.conftest import Personas
from tillit.testing import PASSWORD


def test_a_changed_password_is_told_by_mail(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    new = "a-long-new-password-2026"
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["admin@a.test"]]
    assert "Ditt lösenord har ändrats." in mail.outbox[0].body
