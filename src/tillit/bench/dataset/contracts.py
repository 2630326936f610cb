"""Stages: assets with a classification each; contracts with the systems they serve,
processor agreements and data locations, one supplier contracted by most municipalities;
certificates. And the rows of an import file that creates contracts not yet in the data."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from itertools import accumulate
from typing import Any
from uuid import UUID

from django.db import models

from tillit.bench.dataset.plan import (
    BATCH,
    EPOCH,
    Dataset,
    OrgPlan,
    Stage,
    apportion,
    batched,
    draw_distinct,
    zipf_weights,
)
from tillit.classification.models import Asset, Classification, ProtectedIdentities
from tillit.imports.kinds.contracts import ContractImporter
from tillit.organisations.models import OrganisationKind
from tillit.suppliers.models import (
    Certificate,
    CertificateType,
    Contract,
    DataLocation,
    ProcessorAgreement,
    SupplierRelation,
    TransferMechanism,
)

ASPECTS = ("confidentiality", "integrity", "availability", "traceability")
EU_COUNTRIES = ("FI", "DK", "DE", "IE", "NL")
THIRD_COUNTRIES = ("US", "IN", "GB")


def _classification(ds: Dataset, asset_id: UUID, fixed: dict[str, Any]) -> dict[str, Any]:
    rng = ds.rng
    levels = {aspect: rng.choices(range(4), weights=(15, 35, 35, 15))[0] for aspect in ASPECTS}
    personal = rng.random() < 0.45
    values: dict[str, Any] = {
        **levels,
        "personal_data": personal,
        "sensitive_data": personal and rng.random() < 0.15,
        "criminal_data": personal and rng.random() < 0.03,
        "personnummer": personal and rng.random() < 0.6,
        "children": personal and rng.random() < 0.1,
        "protected_identities": rng.choice(
            (ProtectedIdentities.SECRECY_MARKING, ProtectedIdentities.PROTECTED_REGISTRATION)
        )
        if personal and rng.random() < 0.05
        else ProtectedIdentities.NONE,
        "data_subjects": rng.randint(10, 200_000) if personal else 0,
    } | fixed
    classified = dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
        minutes=rng.randrange(500_000)
    )
    return values | {
        "id": ds.uuid(),
        "asset_id": asset_id,
        "version": 1,
        "answers": {},
        "overrides": {},
        "classified_at": classified,
        "review_due": classified.date() + dt.timedelta(days=365),
    }


# The systems the benchmark's procurement covers, classified so that most of the catalogue
# applies (and none at level 4, which would put it on the security-protection track).
PROCUREMENT_ASSETS = (
    {"confidentiality": 3, "integrity": 3, "availability": 2, "traceability": 3}
    | {"personal_data": True, "sensitive_data": True, "personnummer": True}
    | {"data_subjects": 120_000},
    {"confidentiality": 2, "integrity": 2, "availability": 3, "traceability": 2},
    {"confidentiality": 1, "integrity": 2, "availability": 2, "traceability": 1},
)


def _assets(ds: Dataset) -> None:
    counts = apportion(ds.scale.assets, [org.weight for org in ds.organisations], minimum=5)

    def rows() -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        for org, count in zip(ds.organisations, counts, strict=True):
            for position in range(count):
                asset_id = ds.uuid()
                fixed = (
                    PROCUREMENT_ASSETS[position]
                    if org.index == 0 and position < len(PROCUREMENT_ASSETS)
                    else {}
                )
                classification = _classification(ds, asset_id, fixed)
                name = f"System {position + 1:05d}"
                org.assets.append(asset_id)
                org.asset_names.append(name)
                org.personal.append(classification["personal_data"])
                asset = {
                    "id": asset_id,
                    "organisation_id": org.id,
                    "name": name,
                    "current_id": classification["id"],
                }
                yield asset, classification

    # Both tables in one pass, a batch at a time: the foreign keys between them are checked at
    # the end of the transaction.
    for batch in batched(rows(), BATCH):
        assets = [asset for asset, _classification in batch]
        classifications = [classification for _asset, classification in batch]
        ds.write(Asset, assets)
        ds.write(Classification, classifications)


def _contracts(ds: Dataset) -> None:
    """Contracts, the systems they serve, processor agreements, data locations and the
    organisations' relations to their suppliers."""
    rng, scale = ds.rng, ds.scale
    municipalities = [o for o in ds.organisations if o.kind == OrganisationKind.MUNICIPALITY]
    big_customers = rng.sample(
        municipalities, round(scale.big_supplier_share * len(municipalities))
    )
    counts = apportion(
        scale.contracts - len(big_customers), [org.weight for org in ds.organisations], minimum=5
    )
    # Organisations contract application vendors mostly, and some platforms and operators
    # directly; the big supplier only where it is placed below.
    direct = ds.tiers[0][1:] + ds.tiers[1] + ds.tiers[2] + ds.tiers[3]
    vendors = zipf_weights(len(ds.tiers[0]) - 1, 1.0, offset=5)
    others = len(direct) - len(vendors)
    # A tenth of the draws go to platforms and operators, evenly.
    weights = vendors + [sum(vendors) / 9 / others] * others
    cum = list(accumulate(weights))
    writer = _ContractWriter(ds)
    for org, count in zip(ds.organisations, counts, strict=True):
        pool = draw_distinct(rng, direct, cum, max(1, round(count / 4)))
        rng.shuffle(pool)
        for number in range(count):
            # Round robin over the pool: every supplier drawn has a contract.
            writer.add(org, pool[number % len(pool)], number)
    for org in big_customers:
        writer.add(org, ds.big_supplier.index, org.contracts, personal_first=True)
    writer.flush()


class _ContractWriter:
    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.tables: dict[type[models.Model], list[dict[str, Any]]] = {
            Contract: [],
            Contract.assets.through: [],
            ProcessorAgreement: [],
            DataLocation: [],
            SupplierRelation: [],
        }

    def add(
        self, org: OrgPlan, supplier: int, number: int, *, personal_first: bool = False
    ) -> None:
        rng = self.ds.rng
        contract_id = self.ds.uuid()
        positions = [number % len(org.assets)]
        if personal_first and True in org.personal:
            positions = [org.personal.index(True)]
        elif rng.random() < 0.25:
            positions.append(rng.randrange(len(org.assets)))
        positions = sorted(set(positions))
        start = EPOCH - dt.timedelta(days=rng.randrange(8 * 365))
        tables = self.tables
        tables[Contract].append(
            {
                "id": contract_id,
                "organisation_id": org.id,
                "supplier_id": self.ds.suppliers[supplier].id,
                "service": f"Avtal {number + 1:05d}",
                "start": start,
                "end": start + dt.timedelta(days=365 * rng.randint(2, 6))
                if rng.random() < 0.8
                else None,
                "notice_period_days": rng.choice((90, 180, None)),
                "annual_value": Decimal(rng.randrange(10_000, 5_000_000)),
                "sla_availability": Decimal("99.500"),
                "incident_notice_hours": rng.choice((24, 48, 72, None)),
                "support_response_hours": rng.choice((4, 8, None)),
                "liability": rng.random() < 0.6,
                "right_to_audit": rng.random() < 0.5,
                "exit_clause": rng.random() < 0.7,
            }
        )
        for position in positions:
            tables[Contract.assets.through].append(
                {"contract_id": contract_id, "asset_id": org.assets[position]}
            )
            self.ds.served.add((org.index, supplier, position))
        if any(org.personal[p] for p in positions) and rng.random() < 0.75:
            covered = {f"covers_{point}": rng.random() > 0.05 for point in "abcdefgh"}
            tables[ProcessorAgreement].append(
                {"contract_id": contract_id, "signed_on": start, "version": "1.0"} | covered
            )
        tables[DataLocation].append({"contract_id": contract_id, "country": "SE"})
        if rng.random() < 0.15:
            tables[DataLocation].append(
                {"contract_id": contract_id, "country": rng.choice(EU_COUNTRIES)}
            )
        if rng.random() < 0.05:
            mechanism = TransferMechanism.SCC if rng.random() < 0.7 else TransferMechanism.NONE
            tables[DataLocation].append(
                {
                    "contract_id": contract_id,
                    "country": rng.choice(THIRD_COUNTRIES),
                    "transfer_mechanism": mechanism,
                }
            )
        org.first_contract.setdefault(supplier, contract_id)
        if supplier not in org.suppliers:
            org.suppliers.add(supplier)
            tables[SupplierRelation].append(
                {"organisation_id": org.id, "supplier_id": self.ds.suppliers[supplier].id}
            )
        org.contracts += 1
        if len(tables[Contract]) >= BATCH:
            self.flush()

    def flush(self) -> None:
        for model, rows in self.tables.items():
            self.ds.write(model, rows)
            rows.clear()


def _certificates(ds: Dataset) -> None:
    """An ISO 27001 certificate held for about one relation in six, a fifth of them expired."""
    rng = ds.rng

    def rows() -> Iterator[dict[str, Any]]:
        for org in ds.organisations:
            for supplier in sorted(org.suppliers):
                if rng.random() >= 1 / 6:
                    continue
                until = EPOCH + dt.timedelta(days=rng.randint(-300, 1000))
                yield {
                    "id": ds.uuid(),
                    "organisation_id": org.id,
                    "supplier_id": ds.suppliers[supplier].id,
                    "kind": CertificateType.ISO_27001,
                    "issuer": "Certifieringsorgan AB",
                    "scope": "Drift och utveckling",
                    "valid_from": until - dt.timedelta(days=3 * 365),
                    "valid_until": until,
                }

    ds.write(Certificate, rows())


STAGES: list[tuple[str, Stage]] = [
    ("assets", _assets),
    ("contracts", _contracts),
    ("certificates", _certificates),
]


def import_rows(ds: Dataset, count: int) -> list[list[str]]:
    """Rows of a contracts import file (header first) that each create a contract: an
    organisation, a supplier and one of the organisation's systems not yet served by it."""
    rng = random.Random(ds.seed + 1)  # noqa: S311 (seeded: the same file whatever ran before)
    orgs = ds.organisations
    cum = list(accumulate(org.weight for org in orgs))
    suppliers = ds.tiers[0][1:] + ds.tiers[1]
    # The values below are in the order of the importer's columns.
    rows = [list(ContractImporter.columns)]
    taken = set(ds.served)
    while len(rows) <= count:
        org = rng.choices(orgs, cum_weights=cum)[0]
        supplier = rng.choice(suppliers)
        position = rng.randrange(len(org.assets))
        if (org.index, supplier, position) in taken:
            continue
        taken.add((org.index, supplier, position))
        start = EPOCH - dt.timedelta(days=rng.randrange(3 * 365))
        rows.append(
            [
                org.orgnr,
                ds.suppliers[supplier].reference,
                org.asset_names[position],
                start.isoformat(),
                (start + dt.timedelta(days=4 * 365)).isoformat(),
                start.isoformat() if org.personal[position] else "",
                rng.choice(("SE", "SE", "SE;FI", "SE;US")),
                rng.choice(("24", "48", "72", "")),
            ]
        )
    return rows
