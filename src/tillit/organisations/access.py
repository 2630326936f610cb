"""The one door to an organisation's data.

Every view that shows or changes an organisation's data starts with access_organisation(),
which fetches the organisation through the user's memberships and checks the permission in one
call. Objects of the organisation are then fetched with access.get(), scoped to it. A user who is
not a member gets 404 (we do not even confirm that the organisation exists); a member whose roles
lack the permission gets 403.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404

from tillit.accounts.models import User
from tillit.organisations.models import Membership, Organisation
from tillit.organisations.roles import Permission, Role, permissions_for

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class OrgAccess:
    user: User
    organisation: Organisation
    roles: frozenset[Role]
    permissions: frozenset[Permission]

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def get(self, queryset: models.QuerySet[M], **lookup: Any) -> M:
        """Fetch one object of this organisation, or 404."""
        return get_object_or_404(queryset.filter(organisation=self.organisation), **lookup)


def access_organisation(
    user: User, slug: str, permission: Permission = Permission.VIEW
) -> OrgAccess:
    memberships = list(
        _memberships(user).filter(organisation__slug=slug).select_related("organisation")
    )
    if not memberships:
        raise Http404
    roles = frozenset(Role(membership.role) for membership in memberships)
    permissions = permissions_for(set(roles))
    if permission not in permissions:
        raise PermissionDenied
    return OrgAccess(user, memberships[0].organisation, roles, permissions)


def permissions_in_each(user: User) -> dict[Any, frozenset[Permission]]:
    """What the user may do in each of their organisations, by organisation id, as
    access_organisation() decides it, in one query however many they belong to."""
    roles: defaultdict[Any, set[Role]] = defaultdict(set)
    for organisation_id, role in _memberships(user).values_list("organisation_id", "role"):
        roles[organisation_id].add(Role(role))
    return {organisation_id: permissions_for(held) for organisation_id, held in roles.items()}


def _memberships(user: User) -> models.QuerySet[Membership]:
    """The user's memberships, none if the account is deactivated."""
    return Membership.objects.filter(user=user, user__is_active=True)
