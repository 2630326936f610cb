"""Who an incident at a supplier hits, across the whole instance.

Every contract with the supplier, and every contract with a supplier that uses it as a
sub-processor at any depth, found by walking the sub-processor links upwards one level per query
(a visited set stops cycles). Then three queries fetch the contracts, the systems they serve and
the organisations, as plain values: the cost grows with the depth of the chains, not with the
number of organisations or contracts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast
from uuid import UUID

from tillit.classification.models import ProtectedIdentities
from tillit.incidents import clocks
from tillit.organisations.models import Nis2Category, Organisation, OrganisationKind
from tillit.suppliers.models import Contract, SubProcessor, Supplier


@dataclass(frozen=True)
class System:
    name: str
    personal_data: str  # none | ordinary | sensitive | criminal
    protected_identities: str  # ProtectedIdentities value
    data_subjects: int
    personnummer: bool
    highest_level: int

    @property
    def high_risk(self) -> bool:
        return (
            self.personal_data in ("sensitive", "criminal")
            or self.personnummer
            or self.protected_identities != ProtectedIdentities.NONE
        )


@dataclass(frozen=True)
class ContractFacts:
    service: str
    supplier: str
    incident_notice_hours: int | None
    agreement_signed: dt.date | None
    agreement_complete: bool | None  # None: no processor agreement recorded


@dataclass
class Affected:
    organisation_id: UUID
    orgnr: str
    name: str
    slug: str
    kind: str
    nis2: str
    path: list[str]
    via_supplier_id: UUID | None = None  # the organisation's own supplier on that path
    contracts: list[ContractFacts] = field(default_factory=list)
    systems: list[System] = field(default_factory=list)
    # A processor agreement says personal data is processed even where no system is linked.
    agreement: bool = False

    @property
    def data_subjects(self) -> int:
        return sum(system.data_subjects for system in self.systems)

    @property
    def protected_identities(self) -> bool:
        return any(s.protected_identities != ProtectedIdentities.NONE for s in self.systems)

    @property
    def facts(self) -> clocks.Facts:
        return clocks.Facts(
            personal_data=self.agreement or any(s.personal_data != "none" for s in self.systems),
            high_risk=any(system.high_risk for system in self.systems),
            nis2=self.nis2 != Nis2Category.NOT_COVERED,
            state_agency=self.kind == OrganisationKind.AGENCY,
        )

    def deadlines(self, aware_at: dt.datetime) -> list[dict[str, Any]]:
        return [
            {"regime": regime.key, "step": step, "due": due.isoformat()}
            for regime in clocks.applicable(self.facts)
            for step, due in clocks.schedule(regime, aware_at, {}).items()
        ]


@dataclass
class Impact:
    supplier: Supplier
    organisations: list[Affected]

    @property
    def totals(self) -> dict[str, int]:
        return {
            "organisations": len(self.organisations),
            "systems": sum(len(o.systems) for o in self.organisations),
            "data_subjects": sum(o.data_subjects for o in self.organisations),
            "organisations_with_protected_identities": sum(
                1 for o in self.organisations if o.protected_identities
            ),
        }

    def as_json(self, aware_at: dt.datetime) -> dict[str, Any]:
        return {
            "supplier": {"orgnr": self.supplier.identifier, "name": self.supplier.name},
            "organisations": [
                {
                    "orgnr": o.orgnr,
                    "name": o.name,
                    "path": o.path,
                    "systems": [
                        {
                            "name": s.name,
                            "personal_data": s.personal_data,
                            "protected_identities": s.protected_identities,
                            "data_subjects": s.data_subjects,
                        }
                        for s in o.systems
                    ],
                    "data_subjects": o.data_subjects,
                    "protected_identities": o.protected_identities,
                    "deadlines": o.deadlines(aware_at),
                }
                for o in self.organisations
            ],
            "totals": self.totals,
        }


def dependants(supplier: Supplier) -> dict[UUID, UUID | None]:
    """Every supplier that relies on this one, directly (itself) or through sub-processors at
    any depth, mapped to the supplier it uses on the shortest way down (None for itself)."""
    parents: dict[UUID, UUID | None] = {supplier.pk: None}
    frontier = {supplier.pk}
    while frontier:
        found: set[UUID] = set()
        for user, used in SubProcessor.objects.filter(subprocessor_id__in=frontier).values_list(
            "supplier_id", "subprocessor_id"
        ):
            if user not in parents:
                parents[user] = used
                found.add(user)
        frontier = found
    return parents


def _path(start: UUID, parents: dict[UUID, UUID | None], names: dict[UUID, str]) -> list[str]:
    path: list[str] = []
    current: UUID | None = start
    while current is not None:
        path.append(names[current])
        current = parents[current]
    return path


def _personal_data(row: dict[str, Any]) -> str:
    if not row["asset__current__personal_data"]:
        return "none"
    if row["asset__current__criminal_data"]:
        return "criminal"
    if row["asset__current__sensitive_data"]:
        return "sensitive"
    return "ordinary"


def impact(supplier: Supplier) -> Impact:
    parents = dependants(supplier)
    names = dict(Supplier.objects.filter(pk__in=parents).values_list("pk", "name"))
    paths = {pk: _path(pk, parents, names) for pk in parents}
    contracts: list[dict[str, Any]] = list(
        Contract.objects.filter(supplier_id__in=parents).values(
            "pk",
            "organisation_id",
            "supplier_id",
            "service",
            "incident_notice_hours",
            "processor_agreement__signed_on",
            *(f"processor_agreement__covers_{point}" for point in "abcdefgh"),
        )
    )
    affected: dict[UUID, Affected] = {}
    organisations = Organisation.objects.filter(
        pk__in={c["organisation_id"] for c in contracts}
    ).values("pk", "orgnr", "name", "slug", "kind", "nis2")
    for org in organisations:
        affected[org["pk"]] = Affected(
            organisation_id=org["pk"],
            orgnr=org["orgnr"],
            name=org["name"],
            slug=org["slug"],
            kind=org["kind"],
            nis2=org["nis2"],
            path=[],
        )
    for contract in contracts:
        target = affected[contract["organisation_id"]]
        path = paths[contract["supplier_id"]]
        if not target.path or len(path) < len(target.path):
            # The shortest way the incident reaches the organisation.
            target.path, target.via_supplier_id = path, contract["supplier_id"]
        points = [contract[f"processor_agreement__covers_{p}"] for p in "abcdefgh"]
        signed = contract["processor_agreement__signed_on"]
        has_agreement = points[0] is not None
        target.agreement = target.agreement or has_agreement
        target.contracts.append(
            ContractFacts(
                service=contract["service"],
                supplier=names[contract["supplier_id"]],
                incident_notice_hours=contract["incident_notice_hours"],
                agreement_signed=signed,
                agreement_complete=all(points) if has_agreement else None,
            )
        )
    seen: set[tuple[UUID, UUID]] = set()
    rows = cast(
        "Iterable[dict[str, Any]]",
        Contract.assets.through.objects.filter(contract__supplier_id__in=parents)
        .values(
            "contract__organisation_id",
            "asset_id",
            "asset__name",
            "asset__current__personal_data",
            "asset__current__sensitive_data",
            "asset__current__criminal_data",
            "asset__current__personnummer",
            "asset__current__protected_identities",
            "asset__current__data_subjects",
            "asset__current__confidentiality",
            "asset__current__integrity",
            "asset__current__availability",
            "asset__current__traceability",
        )
        .order_by("asset__name"),
    )
    for row in rows:
        key = (row["contract__organisation_id"], row["asset_id"])
        if key in seen:  # a system served by several affected contracts counts once
            continue
        seen.add(key)
        levels = [
            row[f"asset__current__{aspect}"] or 0
            for aspect in ("confidentiality", "integrity", "availability", "traceability")
        ]
        affected[row["contract__organisation_id"]].systems.append(
            System(
                name=row["asset__name"],
                personal_data=_personal_data(row),
                protected_identities=row["asset__current__protected_identities"]
                or ProtectedIdentities.NONE,
                data_subjects=row["asset__current__data_subjects"] or 0,
                personnummer=bool(row["asset__current__personnummer"]),
                highest_level=max(levels),
            )
        )
    ordered = sorted(affected.values(), key=lambda a: (len(a.path), a.name))
    return Impact(supplier=supplier, organisations=ordered)
