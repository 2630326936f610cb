"""Security events from django-allauth, recorded in the audit log.

allauth announces sign-ins, password changes and MFA changes only through signals, so these
receivers are the one place Tillit listens to signals: each records the event, nothing more.
"""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_logged_out, user_login_failed
from django.db import transaction

from tillit.accounts.models import User
from tillit.audit.services import audit_record


def _record(action: str, user: User, changes: dict[str, list[Any]] | None = None) -> None:
    with transaction.atomic():
        audit_record(
            actor=user, organisation_id=None, action=action, obj=user, changes=changes or {}
        )


def _logged_in(sender: Any, user: User, **kwargs: Any) -> None:
    _record("auth.login", user)


def _login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    """A wrong password for an existing account (not what was typed: a password typed into the
    e-mail field must not end up in a log that cannot be deleted)."""
    email = credentials.get("email") or credentials.get("username")
    user = User.objects.filter(email__iexact=email).first() if isinstance(email, str) else None
    if user is not None:
        _record("auth.login_failed", user)


def _logged_out(sender: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        _record("auth.logout", user)


def _password_changed(sender: Any, user: User, **kwargs: Any) -> None:
    _record("auth.password_changed", user)


def _password_reset(sender: Any, user: User, **kwargs: Any) -> None:
    _record("auth.password_reset", user)


def _mfa_event(action: str) -> Any:
    def receiver(sender: Any, user: User, authenticator: Any, **kwargs: Any) -> None:
        _record(action, user, {"type": [None, authenticator.type]})

    return receiver


_MFA_RECEIVERS = {
    mfa_signals.authenticator_added: _mfa_event("auth.mfa_added"),
    mfa_signals.authenticator_removed: _mfa_event("auth.mfa_removed"),
    mfa_signals.authenticator_reset: _mfa_event("auth.mfa_reset"),
    mfa_signals.authentication_failed: _mfa_event("auth.mfa_failed"),
}


def connect() -> None:
    account_signals.user_logged_in.connect(_logged_in, dispatch_uid="tillit-audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="tillit-audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="tillit-audit-login-failed")
    account_signals.password_changed.connect(_password_changed, dispatch_uid="tillit-pw-change")
    account_signals.password_reset.connect(_password_reset, dispatch_uid="tillit-pw-reset")
    for signal, receiver in _MFA_RECEIVERS.items():
        signal.connect(receiver, dispatch_uid=f"tillit-audit-{id(signal)}")
