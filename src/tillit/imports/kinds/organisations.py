"""Organisations (the operator's import): upsert by organisationsnummer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy

from tillit.imports import bulk
from tillit.imports.kinds.base import (
    Action,
    Importer,
    Record,
    Row,
    chunked,
    orgnr_or_none,
)
from tillit.organisations.models import Nis2Category, Organisation, OrganisationKind

TYPES = {
    "kommun": OrganisationKind.MUNICIPALITY,
    "region": OrganisationKind.REGION,
    "myndighet": OrganisationKind.AGENCY,
    "bolag": OrganisationKind.MUNICIPAL_COMPANY,
    "annan": OrganisationKind.OTHER,
}
NIS2 = {
    "essential": Nis2Category.ESSENTIAL,
    "important": Nis2Category.IMPORTANT,
    "none": Nis2Category.NOT_COVERED,
}
FIELDS = ["name", "kind", "nis2"]
SLUG_LENGTH = 50


@dataclass(kw_only=True)
class OrganisationRecord(Record):
    orgnr: str
    name: str
    kind: str
    nis2: str
    existing: Organisation | None


class OrganisationImporter(Importer[OrganisationRecord]):
    key = "organisations"
    label = gettext_lazy("Organisations")
    columns = ("orgnr", "name", "type", "nis2")
    operator_only = True

    @classmethod
    def example(cls, organisation: Organisation | None) -> dict[str, str]:
        return {
            "orgnr": "212000-0142",
            "name": "Exempelstads kommun",
            "type": "kommun",
            "nis2": "essential",
        }

    def load(self, rows: list[Row]) -> None:
        orgnrs = {orgnr for row in rows if (orgnr := orgnr_or_none(row["orgnr"]))}
        self._existing = {
            organisation.orgnr: organisation
            for chunk in chunked(orgnrs)
            for organisation in Organisation.objects.filter(orgnr__in=chunk)
        }

    def validate(self, row: Row) -> OrganisationRecord | None:
        orgnr = row.orgnr("orgnr")
        name = row.text("name")
        kind = row.choice("type", TYPES)
        nis2 = row.choice("nis2", NIS2)
        if orgnr is not None:
            self.claim(row, orgnr, "orgnr")
        if row.failed or orgnr is None or kind is None or nis2 is None:
            return None
        existing = self._existing.get(orgnr)
        if existing is None:
            action = Action.CREATE
        elif (existing.name, existing.kind, existing.nis2) != (name, kind, nis2):
            action = Action.UPDATE
        else:
            action = Action.UNCHANGED
        return OrganisationRecord(
            row=row.number,
            action=action,
            orgnr=orgnr,
            name=name,
            kind=kind,
            nis2=nis2,
            existing=existing,
        )

    def apply(self, records: list[OrganisationRecord]) -> models.Model | None:
        taken = set(Organisation.objects.values_list("slug", flat=True))
        created: list[dict[str, Any]] = []
        updated: list[dict[str, Any]] = []
        for record in records:
            values = {"name": record.name, "kind": record.kind, "nis2": record.nis2}
            if record.action == Action.CREATE:
                slug = _unique_slug(record.name, taken)
                created.append({"id": uuid.uuid4(), "orgnr": record.orgnr, "slug": slug, **values})
            elif record.action == Action.UPDATE and record.existing is not None:
                updated.append({"pk": record.existing.pk, **values})
        bulk.insert(Organisation, created)
        bulk.update(Organisation, updated, FIELDS)
        written = [row["id"] for row in created] + [row["pk"] for row in updated]
        return Organisation(pk=written[0]) if written else None


def _unique_slug(name: str, taken: set[str]) -> str:
    """The short name in URLs: from the name, with -2, -3, ... if it is taken."""
    base = slugify(name)[:SLUG_LENGTH].strip("-") or "organisation"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug
