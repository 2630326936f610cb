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
    # Accept a risk above the organisation's risk appetite, and set that appetite.
    ACCEPT_RISK = "accept_risk"


_EDITORS = frozenset({Permission.VIEW, Permission.EDIT})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.SECURITY_COORDINATOR: _EDITORS | {Permission.VIEW_AUDIT_LOG},
    Role.PROCUREMENT_OFFICER: _EDITORS,
    Role.SYSTEM_OWNER: _EDITORS,
    Role.DATA_PROTECTION_OFFICER: _EDITORS | {Permission.VIEW_AUDIT_LOG},
    Role.MANAGEMENT: frozenset({Permission.VIEW}),
}
# Management (ledning) decides which risks the organisation lives with (ISO/IEC 27001 6.1.3 f,
# NIS2 Art. 20): accepting a risk above the risk appetite, and setting that appetite, is theirs
# and the administrator's (who holds every permission). Management otherwise only reads.
ROLE_PERMISSIONS[Role.MANAGEMENT] = ROLE_PERMISSIONS[Role.MANAGEMENT] | {Permission.ACCEPT_RISK}


def permissions_for(roles: set[Role]) -> frozenset[Permission]:
    return frozenset().union(*(ROLE_PERMISSIONS[role] for role in roles))
