"""Demo suppliers, modelled on the Miljödata case: one small HR-software supplier serves many
organisations, with a chain of sub-processors behind it and protected identities in the data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tillit.accounts.models import User
from tillit.catalogue.rules import ASPECTS
from tillit.classification.models import Asset
from tillit.classification.services import asset_create, classification_create
from tillit.incidents.models import Incident
from tillit.organisations.models import Organisation
from tillit.suppliers.models import Contract, Supplier
from tillit.suppliers.services import (
    certificate_add,
    contract_create,
    data_location_add,
    processor_agreement_set,
    subprocessor_add,
    supplier_get_or_create,
)

HR_SYSTEM = "Personalsystem (HR och lön)"
# (slug, admin e-mail, data subjects, protected identities) of the organisations using it.
CUSTOMERS = (
    ("exempelstad", "samordnare@exempelstad.test", 4800, "skyddad_folkbokforing"),
    ("region-exempel", "samordnare@region-exempel.test", 31000, "fingerade"),
    ("exempelverket", "samordnare@exempelverket.test", 1200, "sekretessmarkering"),
    ("exempelstad-energi", "admin@exempelstad-energi.test", 260, "none"),
)


def reset_suppliers() -> None:
    """Remove the demo suppliers (after the demo organisations, whose contracts use them) and
    the incidents at them."""
    Incident.objects.filter(supplier__orgnr__in=["556677-8899", "556100-1008"]).delete()
    Supplier.objects.filter(orgnr__in=["556677-8899", "556100-1008"]).delete()
    Supplier.objects.filter(country="US", registration_number="DE-7781234").delete()


def load_suppliers() -> None:
    if Contract.objects.filter(supplier__orgnr="556677-8899").exists():
        return
    hr_supplier, _ = supplier_get_or_create(
        acting_user=None, name="Exempeldata HR AB", orgnr="556677-8899"
    )
    hosting, _ = supplier_get_or_create(
        acting_user=None, name="Norrdrift Hosting AB", orgnr="556100-1008"
    )
    backup, _ = supplier_get_or_create(
        acting_user=None,
        name="Global Backup Inc.",
        country="US",
        registration_number="DE-7781234",
    )
    subprocessor_add(
        acting_user=None,
        organisation=None,
        supplier=hr_supplier,
        subprocessor=hosting,
        service="Drift och lagring",
        country="SE",
    )
    subprocessor_add(
        acting_user=None,
        organisation=None,
        supplier=hosting,
        subprocessor=backup,
        service="Säkerhetskopiering",
        country="US",
    )
    today = timezone.localdate()
    for slug, email, subjects, protected in CUSTOMERS:
        organisation = Organisation.objects.get(slug=slug)
        user = User.objects.get(email=email)
        asset = Asset.objects.filter(organisation=organisation, name=HR_SYSTEM).first()
        if asset is None:
            asset = asset_create(acting_user=user, organisation=organisation, name=HR_SYSTEM)
            classification_create(
                acting_user=user,
                asset=asset,
                answers=dict(zip(ASPECTS, (3, 2, 2, 2), strict=True)),
                levels={},
                reasons={},
                personal_data=True,
                sensitive_data=True,
                personnummer=True,
                protected_identities=protected,
                data_subjects=subjects,
            )
        contract = contract_create(
            acting_user=user,
            organisation=organisation,
            supplier=hr_supplier,
            assets=[asset],
            service="HR- och lönesystem som tjänst",
            start=dt.date(2021, 1, 1),
            end=today + dt.timedelta(days=60 if slug == "exempelstad" else 400),
            notice_period_days=180,
            incident_notice_hours=72 if slug == "exempelstad" else 24,
            sla_availability=Decimal("99.5"),
            right_to_audit=slug != "exempelstad",
        )
        data_location_add(acting_user=user, contract=contract, country="SE")
        # Like most customers in the real case, not every agreement covers every point.
        covered = set("abcdefgh") if slug == "region-exempel" else set("abcf")
        processor_agreement_set(
            acting_user=user,
            contract=contract,
            signed_on=dt.date(2021, 1, 1),
            version="1.0",
            covered=covered,
        )
        certificate_add(
            acting_user=user,
            organisation=organisation,
            supplier=hr_supplier,
            kind="iso27001",
            issuer="Exempelcertifiering AB",
            scope="Utveckling och drift av HR-systemet",
            valid_from=dt.date(2023, 3, 1),
            valid_until=today - dt.timedelta(days=30),
        )
