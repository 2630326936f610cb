"""The API's door to an organisation's data: tillit.organisations.access, narrowed by the token.

A token reaches only the organisation it was made for (any other answers 404, as for a
non-member) and only what its scope allows: a read token may view, a read-write token may also
edit. What the person's own roles do not allow, no token allows either.
"""

from __future__ import annotations

from dataclasses import replace
from typing import cast

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.request import Request

from tillit.accounts.models import User
from tillit.api.models import ApiToken, TokenScope
from tillit.organisations.access import OrgAccess, access_organisation
from tillit.organisations.models import Organisation
from tillit.organisations.roles import Permission

SCOPE_PERMISSIONS = {
    TokenScope.READ: frozenset({Permission.VIEW}),
    # Members and the organisation's settings are managed in Tillit's pages only.
    TokenScope.READ_WRITE: frozenset({Permission.VIEW, Permission.EDIT, Permission.ACCEPT_RISK}),
}


def token_of(request: Request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


def user_of(request: Request) -> User:
    """The signed-in user (every API view demands one)."""
    return cast(User, request.user)


def api_access(
    request: Request, org: str, permission: Permission = Permission.VIEW, *, write: bool = False
) -> OrgAccess:
    """The caller's access to the organisation, with the permission asked for. `write` marks a
    write that every member may make (asking for a report; accepting a risk, which the service
    decides on): a read token may not make it either."""
    token = token_of(request)
    if token is not None and token.organisation.slug != org:
        raise Http404
    access = access_organisation(user_of(request), org, permission)
    if token is None:
        return access
    allowed = SCOPE_PERMISSIONS[TokenScope(token.scope)]
    if permission not in allowed or (write and Permission.EDIT not in allowed):
        raise PermissionDenied(_("This token may only read."))
    return replace(access, permissions=access.permissions & allowed)


def visible_organisations(request: Request) -> list[Organisation]:
    """The organisations the caller may see: the token's one, or the user's memberships."""
    token = token_of(request)
    if token is not None:
        user = user_of(request)
        member = user.memberships.filter(organisation=token.organisation).exists()
        return [token.organisation] if member else []
    return list(
        Organisation.objects.filter(memberships__user=user_of(request)).distinct().order_by("name")
    )
