"""Writes to API tokens: creation (the secret is returned once, only its hash is kept),
revocation, and recording when a token was last used."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.accounts.models import User
from tillit.api.models import ApiToken, TokenScope
from tillit.audit.services import audit_record, diff
from tillit.organisations.models import Membership, Organisation
from tillit.organisations.roles import Permission, Role, permissions_for

PREFIX = "tillit_"
MAX_LIFETIME_DAYS = 366
# last_used_at is rewritten at most this often, so reading through the API is not a write each time.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _end_of(day: dt.date) -> dt.datetime:
    """The first moment after the day, in Tillit's time zone: a token 'valid until' a day works
    all of that day."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


@transaction.atomic
def api_token_create(
    *,
    acting_user: User,
    organisation: Organisation,
    name: str,
    scope: str,
    expires_on: dt.date,
) -> tuple[ApiToken, str]:
    """A new token for the acting user in the organisation, and its secret (shown once)."""
    name = name.strip()
    errors: dict[str, list[ValidationError]] = {}
    if not name:
        errors["name"] = [ValidationError(_("Name the token after what will use it."))]
    if scope not in TokenScope.values:
        errors["scope"] = [ValidationError(_("Choose read or read and write."))]
    roles = {
        Role(role)
        for role in Membership.objects.filter(
            organisation=organisation, user=acting_user
        ).values_list("role", flat=True)
    }
    if not roles:
        errors["scope"] = [
            ValidationError(_("Only a member of the organisation can have a token."))
        ]
    elif scope == TokenScope.READ_WRITE and Permission.EDIT not in permissions_for(roles):
        errors["scope"] = [
            ValidationError(_("Your role may only read, so the token may only read too."))
        ]
    today = timezone.localdate()
    if expires_on < today:
        errors["expires_on"] = [ValidationError(_("Choose a day from today onwards."))]
    elif expires_on > today + dt.timedelta(days=MAX_LIFETIME_DAYS):
        errors["expires_on"] = [
            ValidationError(
                _("A token is valid for at most %(days)s days.") % {"days": MAX_LIFETIME_DAYS}
            )
        ]
    if errors:
        raise ValidationError(errors)
    # 32 random bytes: 256 bits, far beyond guessing; the prefix lets secret scanners find it.
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=acting_user,
        organisation=organisation,
        name=name,
        scope=scope,
        prefix=secret[: len(PREFIX) + 6],
        token_hash=token_hash(secret),
        expires_at=_end_of(expires_on),
    )
    audit_record(
        actor=acting_user,
        organisation_id=organisation.id,
        action="api_token.create",
        obj=token,
        changes=diff(
            {}, {"name": name, "scope": scope, "expires_at": token.expires_at.isoformat()}
        ),
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, acting_user: User, token: ApiToken) -> ApiToken:
    """Stop the token working at once (nothing happens if it already was revoked)."""
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=acting_user,
        organisation_id=token.organisation_id,
        action="api_token.revoke",
        obj=token,
        changes={"revoked_at": [None, token.revoked_at.isoformat()], "name": [token.name] * 2},
    )
    return token


def api_token_use(secret: str) -> ApiToken | None:
    """The active token with this secret (recording that it was used), or None."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user", "organisation")
        .filter(token_hash=token_hash(secret))
        .first()
    )
    if token is None or not token.active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
