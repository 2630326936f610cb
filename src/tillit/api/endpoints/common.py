"""Representations shared by several resources."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from tillit.accounts.models import User
from tillit.api import fields
from tillit.api.base import Serializer
from tillit.organisations.models import Organisation


class PersonSerializer(Serializer):
    """A person, named by e-mail address (people have no public identifier of their own)."""

    email = serializers.EmailField(read_only=True)
    name = serializers.CharField(read_only=True)

    # Written out for the lists' 500 at a time (test_representations checks it against DRF's).
    def to_representation(self, person: User) -> dict[str, Any]:
        return person_data(person)


def person_data(person: User) -> dict[str, Any]:
    return {"email": person.email, "name": person.name}


_DATETIME = serializers.DateTimeField(read_only=True)


def datetime_text(value: dt.datetime) -> str:
    """As a DateTimeField gives it out: ISO 8601 in the current time zone."""
    return str(_DATETIME.to_representation(value))


class LocalisedTextField(serializers.DictField):
    """Text in Swedish and English: {"sv": "…", "en": "…"}."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.CharField(allow_blank=True), read_only=True, **kwargs)


def email_field(**kwargs: Any) -> serializers.EmailField:
    return fields.EmailField(
        help_text="The e-mail address of a member of the organisation.", **kwargs
    )


def owner_of(organisation: Organisation, email: str | None) -> User | None:
    """The member with this address (an owner named in the body), or a field error."""
    if not email:
        return None
    user = User.objects.filter(email__iexact=email, memberships__organisation=organisation).first()
    if user is None:
        raise serializers.ValidationError(
            {"owner": [_("No member of the organisation has this address.")]}
        )
    return user
