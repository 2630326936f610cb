from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tillit.conftest import Personas
from tillit.suppliers.services import certificate_add
from tillit.testing import make_supplier


def certificate(personas: Personas, days: int, name: str = "Molnet AB") -> None:
    """A certificate of organisation A's, valid until `days` from today, through the service."""
    certificate_add(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        supplier=make_supplier(name),
        kind="iso27001",
        issuer="Cert AB",
        scope="Allt",
        valid_from=dt.date(2020, 1, 1),
        valid_until=timezone.localdate() + dt.timedelta(days=days),
    )
