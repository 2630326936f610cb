"""Suppliers: upsert by identity (Swedish orgnr, or country and registration number), and with
an organisation, make each one the organisation's supplier."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tillit.imports import bulk
from tillit.imports.kinds.base import (
    Action,
    Importer,
    Record,
    Row,
    SupplierKey,
    orgnr_or_none,
    suppliers_by_key,
)
from tillit.organisations.models import Organisation
from tillit.suppliers.models import Supplier, SupplierRelation


@dataclass(kw_only=True)
class SupplierRecord(Record):
    key: SupplierKey
    name: str
    existing: Supplier | None
    rename: bool
    relate: bool


class SupplierImporter(Importer[SupplierRecord]):
    key = "suppliers"
    label = gettext_lazy("Suppliers")
    columns = ("orgnr", "name", "country")

    @classmethod
    def example(cls, organisation: Organisation | None) -> dict[str, str]:
        return {"orgnr": "556677-8899", "name": "Exempeldata HR AB", "country": "SE"}

    def load(self, rows: list[Row]) -> None:
        keys: set[SupplierKey] = set()
        for row in rows:
            country = row["country"].upper() or "SE"
            if country != "SE":
                keys.add((country, _registration_number(country, row["orgnr"])))
            elif orgnr := orgnr_or_none(row["orgnr"]):
                keys.add(("SE", orgnr))
        self._existing = suppliers_by_key(keys)
        self._related: set[object] = set()
        if self.organisation is not None:
            self._related = set(
                SupplierRelation.objects.filter(organisation=self.organisation).values_list(
                    "supplier_id", flat=True
                )
            )

    def validate(self, row: Row) -> SupplierRecord | None:
        country = row.country("country", default="SE")
        key: SupplierKey | None = None
        if country == "SE":
            orgnr = row.orgnr("orgnr")
            key = ("SE", orgnr) if orgnr else None
        elif country is not None:
            # A foreign supplier has no Swedish orgnr: the column holds its registration number.
            number = _registration_number(country, row.text("orgnr", max_length=50))
            key = (country, number) if number else None
            if key is None and not row.failed:  # "US:" and nothing after it
                row.error(
                    "orgnr",
                    _(
                        "Write a foreign supplier as country code and registration number, e.g. "
                        "US:123456."
                    ),
                    "registration_number",
                )
        name = row.text("name")
        if key is not None:
            self.claim(row, key, "orgnr")
        if row.failed or key is None:
            return None
        existing = self._existing.get(key)
        # A supplier is shared by every organisation on the instance: one organisation's file
        # must not rename it for all the others. Only an import without an organisation (the
        # operator's, on the command line) updates names.
        rename = existing is not None and self.organisation is None and existing.name != name
        relate = self.organisation is not None and (
            existing is None or existing.pk not in self._related
        )
        if existing is None:
            action = Action.CREATE
        else:
            action = Action.UPDATE if rename or relate else Action.UNCHANGED
        return SupplierRecord(
            row=row.number,
            action=action,
            key=key,
            name=name,
            existing=existing,
            rename=rename,
            relate=relate,
        )

    def apply(self, records: list[SupplierRecord]) -> models.Model | None:
        created, renamed, relations, written = [], [], [], []
        for record in records:
            if record.existing is None:
                supplier_id = uuid.uuid4()
                created.append({"id": supplier_id, "name": record.name, **_identity(record.key)})
            else:
                supplier_id = record.existing.pk
            if record.rename:
                renamed.append({"pk": supplier_id, "name": record.name})
            if record.relate and self.organisation is not None:
                relations.append(
                    {"organisation_id": self.organisation.pk, "supplier_id": supplier_id}
                )
            if record.action != Action.UNCHANGED:
                written.append(supplier_id)
        bulk.insert(Supplier, created)
        bulk.update(Supplier, renamed, ["name"])
        bulk.insert(SupplierRelation, relations)
        return Supplier(pk=written[0]) if written else None


def _identity(key: SupplierKey) -> dict[str, str | None]:
    country, number = key
    if country == "SE":
        return {"country": "SE", "orgnr": number, "registration_number": None}
    return {"country": country, "orgnr": None, "registration_number": number}


def _registration_number(country: str, value: str) -> str:
    """The registration number, also when written as in other files: COUNTRY:NUMBER."""
    prefix = f"{country}:"
    return value[len(prefix) :].strip() if value.upper().startswith(prefix) else value
