"""Reads of suppliers as one organisation sees them: its contracts, what they serve, the gaps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from tillit.classification.models import Asset, Classification, ProtectedIdentities
from tillit.lib.countries import EU_EEA
from tillit.organisations.models import Organisation
from tillit.suppliers.gaps import Gap, holds_personal_data, supplier_gaps
from tillit.suppliers.models import (
    Certificate,
    Contract,
    DataLocation,
    PenTest,
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
    return subprocessor_trees([supplier])[supplier.pk]


def subprocessor_trees(suppliers: Iterable[Supplier]) -> dict[UUID, list[ChainNode]]:
    """subprocessor_tree() of several suppliers at once, in one query: a recursive query finds
    every supplier within MAX_CHAIN_DEPTH - 1 links of them, and their links are read."""
    roots = {supplier.pk for supplier in suppliers}
    by_supplier: dict[UUID, list[SubProcessor]] = {}
    if roots:
        links = SubProcessor.objects.filter(supplier_id__in=_within_chains(roots)).select_related(
            "supplier", "subprocessor"
        )
        for link in links:
            by_supplier.setdefault(link.supplier_id, []).append(link)
    return {root: _build(root, by_supplier, (root,), 1) for root in roots}


def _within_chains(roots: set[UUID]) -> RawSQL:
    """The ids of the roots and of every supplier a chain of fewer than MAX_CHAIN_DEPTH links
    reaches from them (cycles end at the depth), as a subquery."""
    start, params = Supplier.objects.filter(pk__in=roots).values("pk").query.sql_with_params()
    # Nothing of the caller's is in the text: the roots are the ORM's own query and parameters.
    return RawSQL(  # noqa: S611
        "WITH RECURSIVE chain(id, depth) AS ("  # noqa: S608
        f"SELECT id, 1 FROM suppliers_supplier WHERE id IN ({start}) "
        "UNION SELECT link.subprocessor_id, chain.depth + 1 "
        "FROM suppliers_subprocessor AS link JOIN chain ON link.supplier_id = chain.id "
        "WHERE chain.depth < %s"
        ") SELECT DISTINCT id FROM chain",
        (*params, MAX_CHAIN_DEPTH),
    )


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


def contracts_with_details(organisation: Organisation) -> QuerySet[Contract]:
    """contracts_of() with what the gaps and the register read: assets with their current
    classification, and where the data is."""
    return contracts_of(organisation).prefetch_related(
        Prefetch("assets", queryset=Asset.objects.select_related("current").order_by("name")),
        "locations",
    )


def certificates_of(organisation: Organisation, supplier: Supplier) -> QuerySet[Certificate]:
    return Certificate.objects.filter(organisation=organisation, supplier=supplier).select_related(
        "document"
    )


def pentests_of(organisation: Organisation, supplier: Supplier) -> QuerySet[PenTest]:
    return PenTest.objects.filter(organisation=organisation, supplier=supplier).select_related(
        "report"
    )


@dataclass(frozen=True)
class DataSummary:
    """The personal data of several assets together; its attributes are named as a
    Classification's, so templates show it the same way."""

    personal_data: bool
    sensitive_data: bool
    criminal_data: bool
    personnummer: bool
    children: bool
    protected_identities: str
    # The sum over the assets: the same person may be counted in more than one.
    data_subjects: int


def data_summary(classifications: Iterable[Classification]) -> DataSummary:
    found = list(classifications)
    ranks = list(ProtectedIdentities.values)
    strongest = max(
        (c.protected_identities for c in found if c.personal_data),
        key=ranks.index,
        default=ProtectedIdentities.NONE.value,
    )
    return DataSummary(
        personal_data=any(c.personal_data for c in found),
        sensitive_data=any(c.sensitive_data for c in found),
        criminal_data=any(c.criminal_data for c in found),
        personnummer=any(c.personnummer for c in found),
        children=any(c.children for c in found),
        protected_identities=strongest,
        data_subjects=sum(c.data_subjects for c in found),
    )


@dataclass
class SupplierOverview:
    supplier: Supplier
    criticality: int
    contracts: list[Contract]
    assets: list[Asset]
    data: DataSummary
    tree: list[ChainNode]
    certificates: list[Certificate]
    pentests: list[PenTest]
    gaps: list[Gap]
    today: dt.date
    # Contracts whose assets hold personal data: these need a processor agreement.
    personal_contracts: set[UUID]


def supplier_overview(organisation: Organisation, supplier: Supplier) -> SupplierOverview:
    """Everything the supplier page shows, in a fixed number of queries. The supplier should
    come from suppliers_of() (for its criticality)."""
    contracts = list(contracts_with_details(organisation).filter(supplier=supplier))
    assets = {asset.pk: asset for contract in contracts for asset in contract.assets.all()}
    served = sorted(assets.values(), key=lambda asset: asset.name)
    certificates = list(certificates_of(organisation, supplier))
    pentests = list(pentests_of(organisation, supplier))
    criticality = int(getattr(supplier, "criticality", -1))
    today = timezone.localdate()
    return SupplierOverview(
        supplier=supplier,
        criticality=criticality,
        contracts=contracts,
        assets=served,
        data=data_summary(asset.current for asset in served if asset.current is not None),
        tree=subprocessor_tree(supplier),
        certificates=certificates,
        pentests=pentests,
        gaps=supplier_gaps(
            contracts=contracts,
            certificates=certificates,
            pentests=pentests,
            criticality=criticality,
            today=today,
        ),
        today=today,
        personal_contracts={c.pk for c in contracts if holds_personal_data(c)},
    )


def personal_data_assets(organisation: Organisation) -> QuerySet[Asset]:
    """The organisation's assets whose current classification records personal data, with
    their contracts: the rows of the processing register."""
    contracts = Contract.objects.filter(organisation=organisation).select_related(
        "supplier", "processor_agreement"
    )
    return (
        Asset.objects.filter(organisation=organisation, current__personal_data=True)
        .select_related("current")
        .prefetch_related(Prefetch("contracts", queryset=contracts), "contracts__locations")
        .order_by("name")
    )
