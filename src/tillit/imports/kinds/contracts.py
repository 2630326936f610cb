"""Contracts: upsert by organisation, supplier and the system the contract serves, with the
processor agreement's signing date and the countries where the data is."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db import connection, models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tillit.classification.models import Asset
from tillit.imports import bulk
from tillit.imports.kinds.base import (
    Action,
    Importer,
    Record,
    Row,
    chunked,
    supplier_key,
)
from tillit.organisations.models import Organisation
from tillit.suppliers.models import (
    Contract,
    DataLocation,
    ProcessorAgreement,
    Supplier,
    SupplierRelation,
)
from tillit.suppliers.services import MAX_HOURS

FIELDS = ["start", "end", "incident_notice_hours"]
# The rows that link a contract to the assets it serves.
Through = Contract.assets.through
ContractKey = tuple[UUID, UUID, UUID]  # organisation, supplier, asset


@dataclass
class Existing:
    """What an import may change of a contract that is already recorded."""

    id: UUID
    start: dt.date | None
    end: dt.date | None
    incident_notice_hours: int | None
    agreement: tuple[int, dt.date | None] | None = None  # id, signed_on
    locations: dict[str, int] = field(default_factory=dict)  # country: id


@dataclass(kw_only=True, slots=True)
class ContractRecord(Record):
    organisation: Organisation
    supplier: Supplier
    asset_id: UUID
    system_name: str
    start: dt.date | None
    end: dt.date | None
    dpa_signed: dt.date | None
    locations: tuple[str, ...]
    incident_notice_hours: int | None
    existing: Existing | None


class ContractImporter(Importer[ContractRecord]):
    key = "contracts"
    label = gettext_lazy("Contracts")
    columns = (
        "organisation_orgnr",
        "supplier_orgnr",
        "system_name",
        "start",
        "end",
        "dpa_signed",
        "data_locations",
        "incident_notice_hours",
    )

    @classmethod
    def example(cls, organisation: Organisation | None) -> dict[str, str]:
        return {
            "organisation_orgnr": organisation.orgnr if organisation else "212000-0142",
            "supplier_orgnr": "556677-8899",
            "system_name": "Personalsystem",
            "start": "2024-01-01",
            "end": "2027-12-31",
            "dpa_signed": "2024-01-15",
            "data_locations": "SE;FI",
            "incident_notice_hours": "24",
        }

    def load(self, rows: list[Row]) -> None:
        self.load_organisations(rows, "organisation_orgnr")
        self.load_suppliers(rows, ("supplier_orgnr",))
        named = list(self._named(rows))
        self._assets = _assets({(organisation, name) for organisation, _, name in named})
        pairs = {(organisation, supplier) for organisation, supplier, _ in named if supplier}
        self._relations = _relations(pairs)
        keys = {
            (organisation, supplier, asset)
            for organisation, supplier, name in named
            if supplier and (asset := self._assets.get((organisation, name)))
        }
        self._contracts = _existing_contracts(keys)

    def _named(self, rows: list[Row]) -> Iterator[tuple[UUID, UUID | None, str]]:
        """Each row's organisation, supplier and system name, where it names a known
        organisation (other rows have problems that validate() reports)."""
        for row in rows:
            organisation = self.known_organisation(row, "organisation_orgnr")
            if organisation is None:
                continue
            key = supplier_key(row["supplier_orgnr"])
            supplier = self._suppliers.get(key) if isinstance(key, tuple) else None
            yield organisation.pk, supplier.pk if supplier else None, row["system_name"]

    def validate(self, row: Row) -> ContractRecord | None:
        organisation = self.organisation_of(row, "organisation_orgnr")
        supplier = self.supplier_of(row, "supplier_orgnr")
        system_name = row.text("system_name")
        asset_id = self._asset(row, organisation, system_name)
        start, end = row.date("start"), row.date("end")
        if start and end and end < start:
            row.error("end", _("The contract cannot end before it starts."), "end_before_start")
        dpa_signed = row.date("dpa_signed")
        locations = row.countries("data_locations")
        hours = row.integer("incident_notice_hours", required=False, most=MAX_HOURS)
        if organisation is None or supplier is None or asset_id is None:
            return None
        key = (organisation.pk, supplier.pk, asset_id)
        self.claim(row, key, "system_name")
        matches = self._contracts.get(key, [])
        if len(matches) > 1:
            row.error(
                "system_name",
                _("Several contracts with this supplier serve this system: change them in Tillit."),
                "ambiguous_contract",
            )
        if row.failed or locations is None:
            return None
        record = ContractRecord(
            row=row.number,
            action=Action.CREATE,
            organisation=organisation,
            supplier=supplier,
            asset_id=asset_id,
            system_name=system_name,
            start=start,
            end=end,
            dpa_signed=dpa_signed,
            locations=locations,
            incident_notice_hours=hours,
            existing=matches[0] if matches else None,
        )
        if record.existing is not None:
            record.action = Action.UPDATE if _differs(record, record.existing) else Action.UNCHANGED
        return record

    def _asset(self, row: Row, organisation: Organisation | None, name: str) -> UUID | None:
        if organisation is None or not name:
            return None
        asset_id = self._assets.get((organisation.pk, name))
        if asset_id is None:
            row.error(
                "system_name",
                _("%(organisation)s has no system named “%(name)s”: import it as a system first.")
                % {"organisation": organisation.name, "name": name},
                "unknown_system",
            )
        return asset_id

    def apply(self, records: list[ContractRecord]) -> models.Model | None:
        writer = _Writer()
        for record in records:
            if record.action == Action.CREATE:
                writer.create(record)
            elif record.action == Action.UPDATE and record.existing is not None:
                writer.update(record, record.existing)
            pair = (record.organisation.pk, record.supplier.pk)
            if pair not in self._relations:
                self._relations.add(pair)
                writer.relate(record.organisation, record.supplier)
        return writer.write()


def _existing_contracts(keys: set[ContractKey]) -> dict[ContractKey, list[Existing]]:
    """The contracts with these keys, by (organisation, supplier, asset)."""
    contracts: dict[UUID, Existing] = {}
    by_key: dict[ContractKey, list[Existing]] = {}
    for chunk in chunked(_matching_contracts(keys)):
        # One row per contract and asset, with the processor agreement joined in; in no order
        # (the model's would join the suppliers to sort them by name).
        rows = (
            Contract.objects.filter(pk__in=chunk)
            .order_by()
            .values_list(
                "id",
                "organisation_id",
                "supplier_id",
                "assets",
                "start",
                "end",
                "incident_notice_hours",
                "processor_agreement__id",
                "processor_agreement__signed_on",
            )
        )
        for row in rows:
            contract_id, organisation_id, supplier_id, asset_id = row[:4]
            existing = contracts.get(contract_id)
            if existing is None:
                existing = contracts[contract_id] = _existing(row)
            if asset_id is not None:
                by_key.setdefault((organisation_id, supplier_id, asset_id), []).append(existing)
        locations = DataLocation.objects.filter(contract__in=chunk).order_by()
        for contract_id, location_id, country in locations.values_list(
            "contract_id", "id", "country"
        ):
            contracts[contract_id].locations[country] = location_id
    return by_key


# The file's keys are matched in the database (bulk.select), which reads only the rows that
# match, where the ORM would read every asset, relation and contract of the organisations the
# file names (hundreds of thousands in a national import) and convert each of their ids.
def _matching_contracts(keys: set[ContractKey]) -> set[UUID]:
    """The ids of the contracts with these keys."""
    quote = connection.ops.quote_name
    contract, through = quote(Contract._meta.db_table), quote(Through._meta.db_table)
    contract_id = quote("contract_id")
    # Only names from the models are formatted in; every value is a parameter.
    sql = (
        f"SELECT DISTINCT t.{contract_id} FROM {{keys}}"  # noqa: S608
        f" JOIN {through} t ON t.{quote('asset_id')} = k.column3"
        f" JOIN {contract} c ON c.{quote('id')} = t.{contract_id}"
        f" AND c.{quote('organisation_id')} = k.column1 AND c.{quote('supplier_id')} = k.column2"
    )
    fields = [bulk.field_of(Contract, "organisation"), bulk.field_of(Contract, "supplier")]
    fields.append(bulk.field_of(Through, "asset"))
    return {bulk.as_uuid(found) for (found,) in bulk.select(sql, keys, fields)}


def _assets(keys: set[tuple[UUID, str]]) -> dict[tuple[UUID, str], UUID]:
    """The ids of the assets with these names, by (organisation, name)."""
    found = bulk.matching(Asset, ("organisation", "name"), keys, ("id", "organisation", "name"))
    return {
        (bulk.as_uuid(organisation), name): bulk.as_uuid(asset)
        for asset, organisation, name in found
    }


def _relations(keys: set[tuple[UUID, UUID]]) -> set[tuple[UUID, UUID]]:
    """Those of these (organisation, supplier) pairs that are related already."""
    by = ("organisation", "supplier")
    found = bulk.matching(SupplierRelation, by, keys, by)
    return {
        (bulk.as_uuid(organisation), bulk.as_uuid(supplier)) for organisation, supplier in found
    }


def _existing(row: tuple[Any, ...]) -> Existing:
    contract_id, _organisation, _supplier, _asset, start, end, hours, agreement_id, signed = row
    agreement = None if agreement_id is None else (agreement_id, signed)
    return Existing(contract_id, start, end, hours, agreement)


def _differs(record: ContractRecord, existing: Existing) -> bool:
    return (
        (record.start, record.end, record.incident_notice_hours)
        != (existing.start, existing.end, existing.incident_notice_hours)
        or set(record.locations) != set(existing.locations)
        or (
            record.dpa_signed is not None
            and (existing.agreement is None or existing.agreement[1] != record.dpa_signed)
        )
    )


class _Writer:
    """Collects every row to write, then writes each table in one statement."""

    def __init__(self) -> None:
        self.contracts: list[dict[str, Any]] = []
        self.updated: list[dict[str, Any]] = []
        self.assets: list[dict[str, Any]] = []
        self.agreements: list[dict[str, Any]] = []
        self.signed: list[dict[str, Any]] = []
        self.locations: list[dict[str, Any]] = []
        self.removed_locations: list[int] = []
        self.relations: list[dict[str, Any]] = []

    def create(self, record: ContractRecord) -> None:
        contract_id = uuid.uuid4()
        self.contracts.append(
            {
                "id": contract_id,
                "organisation_id": record.organisation.pk,
                "supplier_id": record.supplier.pk,
                "service": record.system_name,
                "start": record.start,
                "end": record.end,
                "incident_notice_hours": record.incident_notice_hours,
            }
        )
        self.assets.append({"contract_id": contract_id, "asset_id": record.asset_id})
        if record.dpa_signed is not None:
            self.agreements.append({"contract_id": contract_id, "signed_on": record.dpa_signed})
        self.locations += [
            {"contract_id": contract_id, "country": country} for country in record.locations
        ]

    def update(self, record: ContractRecord, existing: Existing) -> None:
        self.updated.append(
            {"pk": existing.id} | {field: getattr(record, field) for field in FIELDS}
        )
        if record.dpa_signed is not None:
            if existing.agreement is None:
                self.agreements.append({"contract_id": existing.id, "signed_on": record.dpa_signed})
            elif existing.agreement[1] != record.dpa_signed:
                # Only the date: the checklist of Art. 28(3) points is kept as it was.
                self.signed.append({"pk": existing.agreement[0], "signed_on": record.dpa_signed})
        current = existing.locations
        self.removed_locations += [
            location_id
            for country, location_id in current.items()
            if country not in record.locations
        ]
        self.locations += [
            {"contract_id": existing.id, "country": country}
            for country in record.locations
            if country not in current
        ]

    def relate(self, organisation: Organisation, supplier: Supplier) -> None:
        self.relations.append({"organisation_id": organisation.pk, "supplier_id": supplier.pk})

    def write(self) -> models.Model | None:
        # In the order of the random contract ids that the indexes are sorted by, each insert
        # lands next to the one before rather than anywhere in the index: on SQLite 100,000
        # contracts and their systems go in some 40 % faster.
        bulk.insert(Contract, sorted(self.contracts, key=_by_id("id")))
        bulk.update(Contract, self.updated, FIELDS)
        bulk.insert(Through, sorted(self.assets, key=_by_id("contract_id")))
        bulk.insert(ProcessorAgreement, sorted(self.agreements, key=_by_id("contract_id")))
        bulk.update(ProcessorAgreement, self.signed, ["signed_on"])
        for chunk in chunked(self.removed_locations):
            DataLocation.objects.filter(pk__in=chunk).delete()
        bulk.insert(DataLocation, sorted(self.locations, key=_by_id("contract_id")))
        bulk.insert(SupplierRelation, self.relations)
        ids = [row["id"] for row in self.contracts] + [row["pk"] for row in self.updated]
        return Contract(pk=ids[0]) if ids else None


def _by_id(name: str) -> Callable[[dict[str, Any]], int]:
    """Sort key: the row's id as the number the database orders it by (comparing the numbers is
    some five times faster than comparing UUID objects, millions of times per import)."""
    return lambda row: row[name].int
