"""Factories for tests: small functions that make valid domain objects with sensible defaults."""

from __future__ import annotations

import itertools

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tillit.accounts.models import User
from tillit.lib.orgnr import luhn_check_digit
from tillit.organisations.models import Membership, Nis2Category, Organisation, OrganisationKind
from tillit.organisations.roles import Role

PASSWORD = "correct-horse-battery-staple"
_sequence = itertools.count(1)


def make_orgnr() -> str:
    digits = f"2120{next(_sequence):05d}"
    return f"{digits[:6]}-{digits[6:]}{luhn_check_digit(digits)}"


def make_organisation(name: str = "", **fields: str) -> Organisation:
    number = next(_sequence)
    defaults = {
        "name": name or f"Organisation {number}",
        "slug": f"org-{number}",
        "orgnr": make_orgnr(),
        "kind": OrganisationKind.MUNICIPALITY,
        "nis2": Nis2Category.ESSENTIAL,
        "security_email": f"security{number}@example.test",
    }
    return Organisation.objects.create(**(defaults | fields))


def make_user(email: str = "", *, mfa: bool = True, **fields: object) -> User:
    user = User.objects.create_user(
        email or f"user{next(_sequence)}@example.test", PASSWORD, **fields
    )
    if mfa:
        TOTP.activate(user, generate_totp_secret())
    return user


def make_member(organisation: Organisation, role: Role, email: str = "") -> User:
    user = make_user(email)
    Membership.objects.create(organisation=organisation, user=user, role=role)
    return user
