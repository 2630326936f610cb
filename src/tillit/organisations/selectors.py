from __future__ import annotations

from django.db.models import QuerySet

from tillit.accounts.models import User
from tillit.organisations.models import Membership, Organisation


def organisations_for_user(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user).distinct().order_by("name")


def memberships_of(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__email", "role")
    )
