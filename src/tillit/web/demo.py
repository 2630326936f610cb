"""Demo data: fictional organisations of every type and a user in every role.

Loading is idempotent (what exists is left alone) and goes through the ordinary services, so the
audit log of the demo is real too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from tillit.accounts.models import User
from tillit.catalogue.rules import ASPECTS
from tillit.catalogue.selectors import default_catalogue
from tillit.catalogue.services import catalogue_import_builtin
from tillit.classification.models import Asset
from tillit.classification.services import asset_create, classification_create
from tillit.organisations.models import Membership, Nis2Category, Organisation, OrganisationKind
from tillit.organisations.roles import Role
from tillit.organisations.services import membership_add, organisation_create
from tillit.procurement.models import Procurement
from tillit.procurement.services import procurement_create
from tillit.web.demo_assessments import load_assessments
from tillit.web.demo_incidents import load_incidents
from tillit.web.demo_reports import load_snapshots
from tillit.web.demo_risks import load_risks
from tillit.web.demo_suppliers import load_suppliers, reset_suppliers

DEMO_PASSWORD = "tillit-demo-2026"  # noqa: S105 -- published on purpose; demo mode only
OPERATOR_EMAIL = "operator@tillit.test"


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    orgnr: str
    kind: OrganisationKind
    nis2: Nis2Category
    members: tuple[tuple[str, Role], ...]


# Fictional names; organisation numbers are made up with valid check digits.
ORGANISATIONS = (
    DemoOrganisation(
        "exempelstad",
        "Exempelstads kommun",
        "212000-0001",
        OrganisationKind.MUNICIPALITY,
        Nis2Category.ESSENTIAL,
        (
            ("admin@exempelstad.test", Role.ADMIN),
            ("samordnare@exempelstad.test", Role.SECURITY_COORDINATOR),
            ("upphandlare@exempelstad.test", Role.PROCUREMENT_OFFICER),
            ("systemagare@exempelstad.test", Role.SYSTEM_OWNER),
            ("dso@exempelstad.test", Role.DATA_PROTECTION_OFFICER),
            ("ledning@exempelstad.test", Role.MANAGEMENT),
        ),
    ),
    DemoOrganisation(
        "region-exempel",
        "Region Exempel",
        "232100-0008",
        OrganisationKind.REGION,
        Nis2Category.ESSENTIAL,
        (
            ("admin@region-exempel.test", Role.ADMIN),
            ("samordnare@region-exempel.test", Role.SECURITY_COORDINATOR),
            ("dso@region-exempel.test", Role.DATA_PROTECTION_OFFICER),
        ),
    ),
    DemoOrganisation(
        "exempelverket",
        "Exempelverket",
        "202100-0001",
        OrganisationKind.AGENCY,
        Nis2Category.IMPORTANT,
        (
            ("admin@exempelverket.test", Role.ADMIN),
            ("samordnare@exempelverket.test", Role.SECURITY_COORDINATOR),
        ),
    ),
    DemoOrganisation(
        "exempelstad-energi",
        "Exempelstad Energi AB",
        "556000-0001",
        OrganisationKind.MUNICIPAL_COMPANY,
        Nis2Category.ESSENTIAL,
        (
            ("admin@exempelstad-energi.test", Role.ADMIN),
            # One person, two organisations: the municipality's coordinator also serves its company.
            ("samordnare@exempelstad.test", Role.SECURITY_COORDINATOR),
        ),
    ),
    DemoOrganisation(
        "samverkan-exempel",
        "IT-samverkan Exempel",
        "222000-0000",
        OrganisationKind.OTHER,
        Nis2Category.NOT_COVERED,
        (("admin@samverkan-exempel.test", Role.ADMIN),),
    ),
)


def _demo_emails() -> set[str]:
    return {OPERATOR_EMAIL} | {email for org in ORGANISATIONS for email, _ in org.members}


@transaction.atomic
def demo_reset() -> None:
    Organisation.objects.filter(orgnr__in=[org.orgnr for org in ORGANISATIONS]).delete()
    User.objects.filter(email__in=_demo_emails()).delete()
    reset_suppliers()


@transaction.atomic
def demo_load() -> tuple[list[str], list[str]]:
    """Create whatever part of the demo data is missing; return the demo logins and the supplier
    portal links made in this run (a link's token is known only when it is made)."""
    operator = User.objects.filter(email=OPERATOR_EMAIL).first()
    if operator is None:
        operator = User.objects.create_superuser(
            OPERATOR_EMAIL, DEMO_PASSWORD, name="Driftansvarig"
        )
    for email in _demo_emails() - set(
        User.objects.filter(email__in=_demo_emails()).values_list("email", flat=True)
    ):
        User.objects.create_user(email, DEMO_PASSWORD)
    for demo in ORGANISATIONS:
        organisation = Organisation.objects.filter(orgnr=demo.orgnr).first()
        if organisation is None:
            organisation = organisation_create(
                acting_user=operator,
                name=demo.name,
                slug=demo.slug,
                orgnr=demo.orgnr,
                kind=demo.kind,
                nis2=demo.nis2,
                security_email=f"informationssakerhet@{demo.slug}.test",
            )
        for email, role in demo.members:
            if not Membership.objects.filter(
                organisation=organisation, user__email=email, role=role
            ).exists():
                membership_add(
                    acting_user=operator, organisation=organisation, email=email, role=role
                )
    _load_assets_and_procurement(operator)
    load_suppliers()
    portal_links = load_assessments()
    load_incidents()
    load_risks()
    load_snapshots()
    return sorted(_demo_emails()), portal_links


# (name, description, answers K/R/T/S, personal data) for Exempelstads kommun.
ASSETS: tuple[tuple[str, str, tuple[int, int, int, int], dict[str, Any]], ...] = (
    (
        "Personalsystem (HR och lön)",
        "Anställningar, löner, sjukfrånvaro och rehabilitering för kommunens anställda.",
        (3, 2, 2, 2),
        {
            "personal_data": True,
            "sensitive_data": True,
            "personnummer": True,
            "protected_identities": "skyddad_folkbokforing",
            "data_subjects": 4800,
        },
    ),
    (
        "Skolplattform",
        "Närvaro, betyg och kontakt med vårdnadshavare.",
        (2, 2, 3, 2),
        {"personal_data": True, "personnummer": True, "children": True, "data_subjects": 12000},
    ),
    (
        "Ekonomisystem",
        "Leverantörsreskontra, fakturor och budget.",
        (2, 3, 2, 2),
        {"personal_data": True, "data_subjects": 900},
    ),
    ("Kommunens webbplats", "Publicerad information till invånare.", (0, 1, 1, 0), {}),
    (
        "Plan för civilt försvar",
        "Säkerhetsskyddsklassificerad planering.",
        (4, 3, 2, 3),
        {},
    ),
)


def _load_assets_and_procurement(operator: User) -> None:
    catalogue_import_builtin()
    catalogue = default_catalogue()
    organisation = Organisation.objects.get(slug="exempelstad")
    coordinator = User.objects.get(email="samordnare@exempelstad.test")
    for name, description, levels, personal in ASSETS:
        if Asset.objects.filter(organisation=organisation, name=name).exists():
            continue
        asset = asset_create(
            acting_user=coordinator,
            organisation=organisation,
            name=name,
            description=description,
            owner=User.objects.get(email="systemagare@exempelstad.test"),
        )
        classification_create(
            acting_user=coordinator,
            asset=asset,
            answers=dict(zip(ASPECTS, levels, strict=True)),
            levels={},
            reasons={},
            **personal,
        )
    if catalogue is None or Procurement.objects.filter(organisation=organisation).exists():
        return
    officer = User.objects.get(email="upphandlare@exempelstad.test")
    procurement_create(
        acting_user=officer,
        organisation=organisation,
        name="Upphandling av HR- och lönesystem",
        reference="KS 2026/0412",
        procedure="oppet",
        officer=officer,
        catalogue=catalogue,
        assets=[Asset.objects.get(organisation=organisation, name=ASSETS[0][0])],
    )
