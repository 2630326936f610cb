"""Sub-processors: supplier uses subprocessor for a service in a country. Upsert by supplier,
sub-processor and service; both suppliers must already be registered."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tillit.imports import bulk
from tillit.imports.kinds.base import Action, Importer, Record, Row, chunked
from tillit.organisations.models import Organisation
from tillit.suppliers.models import SubProcessor, Supplier


@dataclass(kw_only=True)
class SubprocessorRecord(Record):
    supplier: Supplier
    subprocessor: Supplier
    service: str
    country: str
    existing_id: int | None


class SubprocessorImporter(Importer[SubprocessorRecord]):
    key = "subprocessors"
    label = gettext_lazy("Sub-processors")
    columns = ("supplier_orgnr", "subprocessor_orgnr", "service", "country")

    @classmethod
    def example(cls, organisation: Organisation | None) -> dict[str, str]:
        return {
            "supplier_orgnr": "556677-8899",
            "subprocessor_orgnr": "556100-1008",
            "service": "Drift och lagring",
            "country": "SE",
        }

    def load(self, rows: list[Row]) -> None:
        self.load_suppliers(rows, ("supplier_orgnr", "subprocessor_orgnr"))
        ids = [supplier.pk for supplier in self._suppliers.values()]
        self._links = {
            (supplier_id, subprocessor_id, service): (link_id, country)
            for chunk in chunked(ids)
            for link_id, supplier_id, subprocessor_id, service, country in (
                SubProcessor.objects.filter(supplier_id__in=chunk).values_list(
                    "id", "supplier_id", "subprocessor_id", "service", "country"
                )
            )
        }

    def validate(self, row: Row) -> SubprocessorRecord | None:
        supplier = self.supplier_of(row, "supplier_orgnr")
        subprocessor = self.supplier_of(row, "subprocessor_orgnr")
        service = row.text("service")
        country = row.country("country")
        if supplier is None or subprocessor is None or not service or country is None:
            return None
        if supplier.pk == subprocessor.pk:
            row.error(
                "subprocessor_orgnr",
                _("A supplier cannot be its own sub-processor."),
                "own_subprocessor",
            )
        key = (supplier.pk, subprocessor.pk, service)
        self.claim(row, key, "service")
        if row.failed:
            return None
        existing = self._links.get(key)
        if existing is None:
            action = Action.CREATE
        else:
            action = Action.UPDATE if existing[1] != country else Action.UNCHANGED
        return SubprocessorRecord(
            row=row.number,
            action=action,
            supplier=supplier,
            subprocessor=subprocessor,
            service=service,
            country=country,
            existing_id=existing[0] if existing else None,
        )

    def apply(self, records: list[SubprocessorRecord]) -> models.Model | None:
        recorded_by = self.organisation.pk if self.organisation else None
        created = [
            {
                "supplier_id": record.supplier.pk,
                "subprocessor_id": record.subprocessor.pk,
                "service": record.service,
                "country": record.country,
                "recorded_by_id": recorded_by,
            }
            for record in records
            if record.action == Action.CREATE
        ]
        updated = [
            {"pk": record.existing_id, "country": record.country}
            for record in records
            if record.action == Action.UPDATE
        ]
        bulk.insert(SubProcessor, created)
        bulk.update(SubProcessor, updated, ["country"])
        # The links' ids are the database's: the audit record names the first supplier.
        first = next((record for record in records if record.action != Action.UNCHANGED), None)
        return first.supplier if first else None
