"""Factories for tests: small functions that make valid domain objects with sensible defaults;
and what tests read of the database beyond models (SQLite's planner statistics)."""

from __future__ import annotations

import itertools
import struct
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import connection

from tillit.accounts.models import User
from tillit.assessments.models import Assessment
from tillit.assessments.services import assessment_create
from tillit.catalogue.models import Catalogue
from tillit.catalogue.rules import ASPECTS
from tillit.catalogue.schema import parse_catalogue
from tillit.catalogue.selectors import default_catalogue
from tillit.catalogue.services import catalogue_import
from tillit.classification.models import Asset
from tillit.classification.services import classification_create
from tillit.lib.orgnr import luhn_check_digit
from tillit.organisations.models import Membership, Nis2Category, Organisation, OrganisationKind
from tillit.organisations.roles import Role
from tillit.suppliers.models import Contract, Supplier
from tillit.suppliers.services import contract_create, supplier_get_or_create

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


def make_catalogue(
    version: str = "", requirements: list[dict[str, Any]] | None = None
) -> Catalogue:
    """A small catalogue in Tillit's format, imported like any other."""
    text = {"sv": "Text", "en": "Text"}
    raw = {
        "catalogue": {
            "id": "test-katalog",
            "version": version or f"1.{next(_sequence)}",
            "title": {"sv": "Testkatalog", "en": "Test catalogue"},
            "description": text,
            "areas": [{"id": "general", "title": {"sv": "Allmänt", "en": "General"}}],
        },
        "requirements": requirements
        or [
            {
                "id": "T-BASE-01",
                "area": "general",
                "title": {"sv": "Grundkrav", "en": "Baseline"},
                "ska": {"sv": "Leverantören ska göra grunderna.", "en": "Do the basics."},
                "ar": text,
                "motive": text,
                "verification": text,
                "references": {"iso27001_2022": ["A.5.1"]},
                "applies_when": True,
                "ska_when": {"max_level_min": 2},
            },
            {
                "id": "T-INC-01",
                "area": "general",
                "title": {"sv": "Incidentrapport", "en": "Incident report"},
                "ska": {
                    "sv": "Leverantören ska rapportera inom {hours} timmar.",
                    "en": "The supplier shall report within {hours} hours.",
                },
                "ar": text,
                "motive": text,
                "verification": text,
                "references": {"nis2_art21_2": ["b"], "gdpr": ["33(2)"]},
                "parameters": {
                    "hours": {
                        "default": 24,
                        "when": [{"if": {"confidentiality_min": 3}, "value": 8}],
                    }
                },
                "applies_when": {"any": [{"confidentiality_min": 2}, {"personal_data": True}]},
                "ska_when": {"any": [{"confidentiality_min": 3}, {"sensitive_data": True}]},
            },
        ],
    }
    catalogue, _created = catalogue_import(data=parse_catalogue(raw, "test.yaml"))
    return catalogue


def plain_requirements(count: int, applies_when: Any = True) -> list[dict[str, Any]]:
    """Requirement entries for make_catalogue(requirements=...), T-MANY-00 onwards."""
    text = {"sv": "Text", "en": "Text"}
    return [
        {
            "id": f"T-MANY-{index:02d}",
            "area": "general",
            "title": text,
            "ska": text,
            "ar": text,
            "motive": text,
            "verification": text,
            "references": {"iso27001_2022": ["A.5.1"], "gdpr": ["32"]},
            "applies_when": applies_when,
            "ska_when": False,
        }
        for index in range(count)
    ]


def make_asset(organisation: Organisation, name: str = "", **classification: Any) -> Asset:
    """An asset; classified (with the given levels and facts) when any are given."""
    asset = Asset.objects.create(
        organisation=organisation, name=name or f"System {next(_sequence)}"
    )
    if classification:
        levels = {aspect: classification.pop(aspect, 0) for aspect in ASPECTS}
        classification_create(
            acting_user=make_user(),
            asset=asset,
            answers=levels,
            levels=levels,
            reasons=dict.fromkeys(ASPECTS, "test"),
            **classification,
        )
        asset.refresh_from_db()
    return asset


def make_supplier(name: str = "", *, country: str = "SE", **identity: str) -> Supplier:
    """A supplier new to the instance: Swedish with a valid orgnr unless a country is given."""
    number = next(_sequence)
    if country == "SE":
        identity.setdefault("orgnr", make_orgnr())
    else:
        identity.setdefault("registration_number", f"REG-{number}")
    supplier, _created = supplier_get_or_create(
        acting_user=None, name=name or f"Supplier {number}", country=country, **identity
    )
    return supplier


def make_contract(
    organisation: Organisation,
    supplier: Supplier | None = None,
    assets: list[Asset] | None = None,
    **values: Any,
) -> Contract:
    """A contract (which also makes the supplier one of the organisation's)."""
    return contract_create(
        acting_user=make_user(),
        organisation=organisation,
        supplier=supplier or make_supplier(),
        assets=assets or [],
        **({"service": f"Service {next(_sequence)}"} | values),
    )


def make_assessment(
    organisation: Organisation, *, supplier: Supplier | None = None, **classification: Any
) -> Assessment:
    """An assessment of a new contract serving one classified asset (confidentiality 3 unless
    other levels are given), over the default catalogue (make_catalogue() if there is none)."""
    if default_catalogue() is None:
        make_catalogue()
    asset = make_asset(organisation, **(classification or {"confidentiality": 3}))
    contract = make_contract(organisation, supplier, assets=[asset])
    return assessment_create(
        acting_user=make_user(),
        organisation=organisation,
        contracts=[contract],
        title=f"Bedömning {next(_sequence)}",
    )


def damaged_zips(archive: bytes) -> list[bytes]:
    """The archive with its first directory entry damaged in ways zipfile reports other than
    as BadZipFile: a version no reader knows (NotImplementedError), and a name flagged as UTF-8
    that is not (UnicodeDecodeError)."""
    entry = archive.find(b"PK\x01\x02")
    unknown_version = bytearray(archive)
    unknown_version[entry + 6] = 100  # "version needed to extract": 10.0
    bad_name = bytearray(archive)
    flags = struct.unpack_from("<H", bad_name, entry + 8)[0]
    struct.pack_into("<H", bad_name, entry + 8, flags | 0x800)
    bad_name[entry + 46 : entry + 48] = b"\xff\xfe"  # the first two bytes of its name
    return [bytes(unknown_version), bytes(bad_name)]


def sqlite_index_statistics(index: str) -> str:
    """What SQLite's ANALYZE recorded of an index: its rows, then the rows per distinct value of
    each leading column ("300 300 1")."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE idx = %s", [index])
        return str(cursor.fetchone()[0])
