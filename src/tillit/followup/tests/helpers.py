from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tillit.accounts.models import User
from tillit.conftest import Personas
from tillit.organisations.models import Organisation
from tillit.suppliers.services import certificate_add
from tillit.testing import make_supplier


def certificate(personas: Personas, days: int, name: str = "Molnet AB") -> None:
    """A certificate of organisation A's, valid until `days` from today, through the service."""
    certificate_of(personas.org_a, personas.admin_a, name, days)


def certificate_of(organisation: Organisation, user: User, name: str, days: int) -> None:
    """A certificate of the organisation's, added by the user, valid until `days` from today."""
    certificate_add(
        acting_user=user,
        organisation=organisation,
        supplier=make_supplier(name),
        kind="iso27001",
        issuer="Cert AB",
        scope="Allt",
        valid_from=dt.date(2020, 1, 1),
        valid_until=timezone.localdate() + dt.timedelta(days=days),
    )
