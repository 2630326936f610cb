"""Writes of the follow-up: the organisation's cadence policy and users' calendar feeds."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.accounts.models import User
from tillit.audit.services import audit_record, diff, snapshot
from tillit.followup.models import CalendarFeed, Policy
from tillit.organisations.models import Organisation

POLICY_FIELDS = ["level_3_months", "level_2_months", "level_1_months"]


@transaction.atomic
def policy_set(*, acting_user: User, organisation: Organisation, **months: int) -> Policy:
    unknown = months.keys() - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown policy fields: {', '.join(sorted(unknown))}")
    errors = {
        name: _("Give a number of months from 1 to 120.")
        for name, value in months.items()
        if not isinstance(value, int) or not 1 <= value <= 120
    }
    if errors:
        raise ValidationError(errors)
    policy, _created = Policy.objects.get_or_create(organisation=organisation)
    before = snapshot(policy, POLICY_FIELDS)
    for name, value in months.items():
        setattr(policy, name, value)
    changes = diff(before, snapshot(policy, POLICY_FIELDS))
    if changes:
        policy.save()
        audit_record(
            actor=acting_user,
            organisation_id=organisation.id,
            action="followup.policy",
            obj=policy,
            changes=changes,
        )
    return policy


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_reset(*, user: User) -> str:
    """A new secret calendar address for the user (the old one stops working); returns the
    token, which is shown once and never stored."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": _hash(token)})
    return token


def calendar_feed_user(token: str) -> User | None:
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=_hash(token), user__is_active=True)
        .first()
    )
    if feed is None:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed.user
