"""Concentration across the instance: which suppliers serve the most organisations, systems
and people, how many organisations with protected identities depend on each, and which
sub-processors sit under most of them.

Organisations are named only if they chose to take part (Organisation.share_concentration);
the others are counted, never named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Count, Q, Sum

from tillit.classification.models import ProtectedIdentities
from tillit.incidents.impact import dependants
from tillit.suppliers.models import Contract, SubProcessor, Supplier

TOP = 25


@dataclass
class Reach:
    supplier_id: UUID
    name: str
    organisations: int
    systems: int = 0
    data_subjects: int = 0
    protected: int = 0  # organisations with protected identities in the systems served
    named: list[str] = field(default_factory=list)  # those that take part by name

    @property
    def unnamed(self) -> int:
        return self.organisations - len(self.named)


def supplier_reach(limit: int = TOP) -> list[Reach]:
    """The suppliers serving the most organisations (directly), with what they hold."""
    top = list(
        Contract.objects.values("supplier_id", "supplier__name")
        .annotate(organisations=Count("organisation", distinct=True))
        .order_by("-organisations", "supplier__name")[:limit]
    )
    reach = {
        row["supplier_id"]: Reach(row["supplier_id"], row["supplier__name"], row["organisations"])
        for row in top
    }
    systems = (
        Contract.assets.through.objects.filter(contract__supplier_id__in=reach)
        .values("contract__supplier_id")
        .annotate(
            systems=Count("asset", distinct=True),
            subjects=Sum("asset__current__data_subjects"),
            protected=Count(
                "contract__organisation",
                filter=~Q(asset__current__protected_identities=ProtectedIdentities.NONE)
                & Q(asset__current__isnull=False),
                distinct=True,
            ),
        )
    )
    for row in systems:
        entry = reach[row["contract__supplier_id"]]
        entry.systems, entry.data_subjects = row["systems"], row["subjects"] or 0
        entry.protected = row["protected"]
    named = (
        Contract.objects.filter(supplier_id__in=reach, organisation__share_concentration=True)
        .values_list("supplier_id", "organisation__name")
        .distinct()
        .order_by("organisation__name")
    )
    for supplier_id, name in named:
        reach[supplier_id].named.append(name)
    return list(reach.values())


@dataclass(frozen=True)
class SubProcessorReach:
    name: str
    suppliers: int  # suppliers that use it directly
    organisations: int  # organisations that depend on it at any depth


def subprocessor_reach(limit: int = 10) -> list[SubProcessorReach]:
    rows = list(
        SubProcessor.objects.values("subprocessor_id", "subprocessor__name")
        .annotate(suppliers=Count("supplier", distinct=True))
        .order_by("-suppliers", "subprocessor__name")[:limit]
    )
    found = []
    for row in rows:
        above = dependants(Supplier(pk=row["subprocessor_id"]))
        organisations = (
            Contract.objects.filter(supplier_id__in=above).values("organisation").distinct().count()
        )
        found.append(SubProcessorReach(row["subprocessor__name"], row["suppliers"], organisations))
    return sorted(found, key=lambda r: (-r.organisations, r.name))
