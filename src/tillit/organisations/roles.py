"""Roles a member can hold in an organisation, and what each role may do.

This is the one place that says who may do what; views ask for a Permission through
tillit.organisations.access, never for a role by name.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    SECURITY_COORDINATOR = "security_coordinator", _("Security coordinator")
    PROCUREMENT_OFFICER = "procurement_officer", _("Procurement officer")
    SYSTEM_OWNER = "system_owner", _("System owner")
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data protection officer")
    MANAGEMENT = "management", _("Management (read only)")


class Permission(StrEnum):
    VIEW = "view"
    EDIT = "edit"
    VIEW_AUDIT_LOG = "view_audit_log"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_ORGANISATION = "manage_organisation"


_EDITORS = frozenset({Permission.VIEW, Permission.EDIT})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.SECURITY_COORDINATOR: _EDITORS | {Permission.VIEW_AUDIT_LOG},
    Role.PROCUREMENT_OFFICER: _EDITORS,
    Role.SYSTEM_OWNER: _EDITORS,
    Role.DATA_PROTECTION_OFFICER: _EDITORS | {Permission.VIEW_AUDIT_LOG},
    Role.MANAGEMENT: frozenset({Permission.VIEW}),
}


def permissions_for(roles: set[Role]) -> frozenset[Permission]:
    return frozenset().union(*(ROLE_PERMISSIONS[role] for role in roles))
