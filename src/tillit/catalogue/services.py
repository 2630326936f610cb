"""Writes to catalogues: imports are atomic and idempotent."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from tillit.accounts.models import User
from tillit.audit.services import audit_record
from tillit.catalogue.models import Area, Catalogue, Reference, Requirement
from tillit.catalogue.schema import CatalogueData, load_catalogue_file


@transaction.atomic
def catalogue_import(
    *, data: CatalogueData, acting_user: User | None = None
) -> tuple[Catalogue, bool]:
    """Store a parsed catalogue. Returns (catalogue, created).

    The same key and version with the same content changes nothing; the same version with other
    content is refused, since a published version must never change under its users.
    """
    existing = Catalogue.objects.filter(key=data.key, version=data.version).first()
    if existing is not None:
        if existing.content_hash == data.content_hash:
            return existing, False
        raise ValidationError(
            f"Catalogue {data.key} version {data.version} is already imported with other "
            "content: give the changed catalogue a new version.",
            code="version_changed",
        )
    catalogue = Catalogue.objects.create(
        key=data.key,
        version=data.version,
        title=data.title,
        description=data.description,
        source=data.source,
        content_hash=data.content_hash,
    )
    areas = {
        area.key: Area(catalogue=catalogue, key=area.key, title=area.title, position=position)
        for position, area in enumerate(data.areas)
    }
    Area.objects.bulk_create(areas.values())
    requirements = [
        Requirement(
            catalogue=catalogue,
            area=areas[item.area],
            key=item.key,
            position=position,
            title=item.title,
            ska=item.ska,
            ar=item.ar,
            motive=item.motive,
            verification=item.verification,
            parameters={
                name: {
                    "default": spec.default,
                    "when": [{"if": rule, "value": value} for rule, value in spec.when],
                }
                for name, spec in item.parameters.items()
            },
            applies_when=item.applies_when,
            ska_when=item.ska_when,
        )
        for position, item in enumerate(data.requirements)
    ]
    Requirement.objects.bulk_create(requirements, batch_size=500)
    Reference.objects.bulk_create(
        [
            Reference(requirement=requirement, scheme=scheme, value=value)
            for requirement, item in zip(requirements, data.requirements, strict=True)
            for scheme, values in item.references.items()
            for value in values
        ],
        batch_size=1000,
    )
    audit_record(
        actor=acting_user,
        organisation_id=None,
        action="catalogue.import",
        obj=catalogue,
        changes={
            "key": [None, data.key],
            "version": [None, data.version],
            "requirements": [None, len(requirements)],
        },
    )
    return catalogue, True


BUILTIN_DIR = Path(__file__).resolve().parent / "data"


def catalogue_import_builtin(*, acting_user: User | None = None) -> list[tuple[Catalogue, bool]]:
    """Import the catalogues Tillit ships (idempotent)."""
    return [
        catalogue_import(data=load_catalogue_file(path), acting_user=acting_user)
        for path in sorted(BUILTIN_DIR.glob("*.yaml"))
    ]
