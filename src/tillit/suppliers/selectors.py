"""Reads of suppliers as one organisation sees them: its contracts, what they serve, the gaps."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from tillit.classification.models import Asset
from tillit.lib.countries import EU_EEA
from tillit.organisations.models import Organisation
from tillit.suppliers.models import (
    Certificate,
    Contract,
    DataLocation,
    SubProcessor,
    Supplier,
)

MAX_CHAIN_DEPTH = 6


def contracts_of(organisation: Organisation) -> QuerySet[Contract]:
    return Contract.objects.filter(organisation=organisation).select_related(
        "supplier", "processor_agreement"
    )


def suppliers_of(organisation: Organisation) -> QuerySet[Supplier]:
    """The organisation's suppliers, annotated with what the list shows and filters on:

    criticality (the highest classification level of the assets their contracts serve),
    personal_data, third_country, missing_dpa and expired_certificate. Everything is computed in
    the one query, so the list costs the same whatever its length.
    """
    contracts = Contract.objects.filter(organisation=organisation, supplier=OuterRef("pk"))
    highest = (
        Asset.objects.filter(
            contracts__organisation=organisation,
            contracts__supplier=OuterRef("pk"),
            current__isnull=False,
        )
        .annotate(
            level=Greatest(
                "current__confidentiality",
                "current__integrity",
                "current__availability",
                "current__traceability",
            )
        )
        .order_by("-level")
        .values("level")[:1]
    )
    personal = contracts.filter(assets__current__personal_data=True)
    third_country = DataLocation.objects.filter(
        contract__organisation=organisation, contract__supplier=OuterRef("pk")
    ).exclude(country__in=EU_EEA)
    missing_dpa = personal.filter(processor_agreement__isnull=True)
    today = timezone.localdate()
    certificates = Certificate.objects.filter(organisation=organisation, supplier=OuterRef("pk"))
    expired = certificates.filter(valid_until__lt=today)
    valid = certificates.filter(valid_until__gte=today)
    return (
        Supplier.objects.filter(relations__organisation=organisation)
        .annotate(
            criticality=Coalesce(Subquery(highest), -1),
            personal_data=Exists(personal),
            third_country=Exists(third_country),
            missing_dpa=Exists(missing_dpa),
            expired_certificate=Exists(expired) & ~Exists(valid),
        )
        .order_by("name")
    )


@dataclass
class ChainNode:
    link: SubProcessor
    depth: int
    children: list[ChainNode] = field(default_factory=list)
    repeated: bool = False  # the sub-processor already appears higher up this path (a cycle)


def subprocessor_tree(supplier: Supplier) -> list[ChainNode]:
    """The supplier's sub-processors at every depth (up to MAX_CHAIN_DEPTH), one query a level."""
    by_supplier: dict[UUID, list[SubProcessor]] = {}
    frontier = {supplier.pk}
    seen = {supplier.pk}
    for _depth in range(MAX_CHAIN_DEPTH):
        links = list(
            SubProcessor.objects.filter(supplier_id__in=frontier).select_related("subprocessor")
        )
        for link in links:
            by_supplier.setdefault(link.supplier_id, []).append(link)
        frontier = {link.subprocessor_id for link in links} - seen
        seen |= frontier
        if not frontier:
            break
    return _build(supplier.pk, by_supplier, (supplier.pk,), 1)


def _build(
    supplier_id: UUID,
    by_supplier: dict[UUID, list[SubProcessor]],
    path: tuple[UUID, ...],
    depth: int,
) -> list[ChainNode]:
    nodes = []
    for link in sorted(by_supplier.get(supplier_id, []), key=lambda link: link.subprocessor.name):
        repeated = link.subprocessor_id in path
        node = ChainNode(link, depth, repeated=repeated)
        if not repeated and depth < MAX_CHAIN_DEPTH:
            node.children = _build(
                link.subprocessor_id, by_supplier, (*path, link.subprocessor_id), depth + 1
            )
        nodes.append(node)
    return nodes


def flatten(nodes: Iterable[ChainNode]) -> list[ChainNode]:
    flat = []
    for node in nodes:
        flat.append(node)
        flat += flatten(node.children)
    return flat


def supplier_filters(queryset: Any, **filters: object) -> Any:
    """Apply the list's filters: min_criticality, personal_data, third_country, missing_dpa,
    expired_certificate and a name/orgnr search q."""
    # The queryset is suppliers_of()'s, whose annotations the type checker cannot see.
    if (minimum := filters.get("min_criticality")) is not None:
        queryset = queryset.filter(criticality__gte=minimum)
    for flag in ("personal_data", "third_country", "missing_dpa", "expired_certificate"):
        if filters.get(flag):
            queryset = queryset.filter(**{flag: True})
    if q := str(filters.get("q") or "").strip():
        queryset = queryset.filter(Q(name__icontains=q) | Q(orgnr__icontains=q))
    return queryset
