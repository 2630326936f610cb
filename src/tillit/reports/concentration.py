"""Concentration across the instance: which suppliers serve the most organisations, systems
and people, how many organisations with protected identities depend on each, and which
sub-processors sit under most of them.

Organisations are named only if they chose to take part (Organisation.share_concentration);
the others are counted, never named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from django.db import connection
from django.db.models import Count, Q, Sum

from tillit.classification.models import ProtectedIdentities
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
    organisations = _organisations_depending_on([row["subprocessor_id"] for row in rows])
    found = [
        SubProcessorReach(
            row["subprocessor__name"],
            row["suppliers"],
            organisations.get(row["subprocessor_id"], 0),
        )
        for row in rows
    ]
    return sorted(found, key=lambda r: (-r.organisations, r.name))


def _organisations_depending_on(subprocessors: list[UUID]) -> dict[UUID, int]:
    """For each sub-processor, the organisations with a contract with it or with a supplier that
    uses it at any depth (those incidents.impact.dependants() finds), counted in one query for
    them all: walking the links a level a query cost each row one query per level."""
    if not subprocessors:
        return {}
    quote = connection.ops.quote_name
    supplier_pk = Supplier._meta.get_field("id")
    link, contract = SubProcessor._meta, Contract._meta
    pk = quote(supplier_pk.column)
    user = quote(link.get_field("supplier").column)
    used = quote(link.get_field("subprocessor").column)
    organisation = quote(contract.get_field("organisation").column)
    contract_supplier = quote(contract.get_field("supplier").column)
    placeholders = ", ".join(["%s"] * len(subprocessors))
    # UNION, not UNION ALL: a supplier reached twice from the same sub-processor is kept once,
    # which also ends cycles. Only names from the models are formatted in; the ids are parameters.
    sql = f"""
        WITH RECURSIVE dependant(root, id) AS (
            SELECT {pk}, {pk} FROM {quote(Supplier._meta.db_table)} WHERE {pk} IN ({placeholders})
            UNION
            SELECT dependant.root, link.{user} FROM {quote(link.db_table)} link
            JOIN dependant ON link.{used} = dependant.id
        )
        SELECT dependant.root, COUNT(DISTINCT c.{organisation})
        FROM dependant JOIN {quote(contract.db_table)} c ON c.{contract_supplier} = dependant.id
        GROUP BY dependant.root
    """  # noqa: S608
    params = [supplier_pk.get_db_prep_value(one, connection) for one in subprocessors]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {supplier_pk.to_python(root): count for root, count in cursor.fetchall()}
