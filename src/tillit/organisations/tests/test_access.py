from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tillit.conftest import Personas
from tillit.organisations.access import access_organisation
from tillit.organisations.models import Membership
from tillit.organisations.roles import ROLE_PERMISSIONS, Permission, Role


def test_member_gets_roles_and_permissions(personas: Personas) -> None:
    access = access_organisation(personas.admin_a, "org-a", Permission.MANAGE_MEMBERS)
    assert access.organisation == personas.org_a
    assert access.roles == {Role.ADMIN}


def test_non_member_gets_404_not_403(personas: Personas) -> None:
    with pytest.raises(Http404):
        access_organisation(personas.coordinator_b, "org-a")
    with pytest.raises(Http404):
        access_organisation(personas.outsider, "org-a")
    with pytest.raises(Http404):
        access_organisation(personas.admin_a, "no-such-org")


def test_operator_without_membership_sees_no_organisation_data(personas: Personas) -> None:
    personas.outsider.is_superuser = True
    personas.outsider.save(update_fields=["is_superuser"])
    with pytest.raises(Http404):
        access_organisation(personas.outsider, "org-a")


def test_role_without_permission_gets_403(personas: Personas) -> None:
    access_organisation(personas.reader_a, "org-a", Permission.VIEW)
    with pytest.raises(PermissionDenied):
        access_organisation(personas.reader_a, "org-a", Permission.EDIT)


def test_deactivated_user_loses_access(personas: Personas) -> None:
    personas.admin_a.is_active = False
    personas.admin_a.save(update_fields=["is_active"])
    with pytest.raises(Http404):
        access_organisation(personas.admin_a, "org-a")


def test_roles_add_up(personas: Personas) -> None:
    Membership.objects.create(
        organisation=personas.org_a, user=personas.reader_a, role=Role.SECURITY_COORDINATOR
    )
    access = access_organisation(personas.reader_a, "org-a", Permission.EDIT)
    assert access.can(Permission.VIEW_AUDIT_LOG)
    assert not access.can(Permission.MANAGE_MEMBERS)


def test_management_is_read_only_and_every_role_can_view() -> None:
    # Management reads, and decides which risks above the risk appetite the organisation accepts.
    assert ROLE_PERMISSIONS[Role.MANAGEMENT] == {Permission.VIEW, Permission.ACCEPT_RISK}
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert all(Permission.VIEW in permissions for permissions in ROLE_PERMISSIONS.values())


def test_access_get_is_scoped_to_the_organisation(personas: Personas) -> None:
    access = access_organisation(personas.admin_a, "org-a")
    other = Membership.objects.get(user=personas.coordinator_b)
    with pytest.raises(Http404):
        access.get(Membership.objects.all(), pk=other.pk)
    own = Membership.objects.get(user=personas.reader_a)
    assert access.get(Membership.objects.all(), pk=own.pk) == own
