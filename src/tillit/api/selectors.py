from __future__ import annotations

from django.db.models import QuerySet

from tillit.accounts.models import User
from tillit.api.models import ApiToken
from tillit.organisations.models import Organisation


def tokens_of(user: User, organisation: Organisation) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, organisation=organisation)


def organisation_tokens(organisation: Organisation) -> QuerySet[ApiToken]:
    """Every member's tokens, for the administrators who manage members."""
    return ApiToken.objects.filter(organisation=organisation).select_related("user")
