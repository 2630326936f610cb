from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tillit.conftest import Personas
from tillit.organisations.models import Organisation
from tillit.suppliers.models import Supplier
from tillit.suppliers.selectors import (
    MAX_CHAIN_DEPTH,
    data_summary,
    flatten,
    personal_data_assets,
    subprocessor_tree,
    subprocessor_trees,
    supplier_filters,
    supplier_overview,
    suppliers_of,
)
from tillit.suppliers.services import (
    certificate_add,
    data_location_add,
    processor_agreement_set,
    subprocessor_add,
)
from tillit.testing import make_asset, make_contract, make_supplier, make_user

pytestmark = pytest.mark.django_db


def _names(queryset: Any) -> list[str]:
    return [supplier.name for supplier in queryset]


def _certificate(organisation: Organisation, supplier: Supplier, until: dt.date) -> None:
    certificate_add(
        acting_user=make_user(),
        organisation=organisation,
        supplier=supplier,
        kind="iso27001",
        issuer="Cert AB",
        scope="Allt",
        valid_from=until - dt.timedelta(days=365),
        valid_until=until,
    )


def _link(supplier: Supplier, subprocessor: Supplier, country: str = "SE") -> None:
    subprocessor_add(
        acting_user=None,
        organisation=None,
        supplier=supplier,
        subprocessor=subprocessor,
        service="Drift",
        country=country,
    )


@pytest.fixture
def world(personas: Personas) -> dict[str, Supplier]:
    """Organisation A's suppliers, one for each thing the list filters on."""
    org = personas.org_a
    user = personas.admin_a
    today = timezone.localdate()
    hr = make_asset(org, "HR", confidentiality=3, personal_data=True, data_subjects=100)
    web = make_asset(org, "Webb", confidentiality=1)
    unclassified = make_asset(org, "Oklassad")
    suppliers = {
        name: make_supplier(name)
        for name in ("Lön AB", "Webbyrån AB", "Moln Inc", "Ny AB", "Gammal AB", "Inget AB")
    }
    pay = make_contract(org, suppliers["Lön AB"], [hr])  # personal data, no agreement
    make_contract(org, suppliers["Webbyrån AB"], [web])
    cloud = make_contract(org, suppliers["Moln Inc"], [hr, web])
    processor_agreement_set(
        acting_user=user, contract=cloud, signed_on=None, covered=set("abcdefgh")
    )
    data_location_add(acting_user=user, contract=cloud, country="US", transfer_mechanism="scc")
    data_location_add(acting_user=user, contract=pay, country="SE")
    make_contract(org, suppliers["Ny AB"], [unclassified])
    _certificate(org, suppliers["Gammal AB"], today - dt.timedelta(days=1))
    _certificate(org, suppliers["Ny AB"], today - dt.timedelta(days=1))
    _certificate(org, suppliers["Ny AB"], today)  # still valid today
    suppliers["Inget AB"].relations.create(organisation=org)
    # Another organisation's contracts with the same supplier change nothing for A.
    make_contract(personas.org_b, suppliers["Webbyrån AB"], [make_asset(personas.org_b)])
    _certificate(personas.org_b, suppliers["Webbyrån AB"], today - dt.timedelta(days=5))
    return suppliers


def test_only_the_organisations_suppliers(personas: Personas, world: dict[str, Supplier]) -> None:
    make_supplier("Någon annans AB")
    assert _names(suppliers_of(personas.org_a)) == sorted(world)
    assert _names(suppliers_of(personas.org_b)) == ["Webbyrån AB"]


def test_criticality_is_the_highest_level_of_the_assets_served(
    personas: Personas, world: dict[str, Supplier]
) -> None:
    levels = {s.name: s.criticality for s in suppliers_of(personas.org_a)}  # type: ignore[attr-defined]
    assert levels == {
        "Lön AB": 3,
        "Webbyrån AB": 1,
        "Moln Inc": 3,
        "Ny AB": -1,  # its asset is not classified
        "Gammal AB": -1,  # no contract
        "Inget AB": -1,
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"min_criticality": 2}, ["Lön AB", "Moln Inc"]),
        ({"min_criticality": 0}, ["Lön AB", "Moln Inc", "Webbyrån AB"]),
        ({"personal_data": True}, ["Lön AB", "Moln Inc"]),
        ({"third_country": True}, ["Moln Inc"]),
        ({"missing_dpa": True}, ["Lön AB"]),
        ({"expired_certificate": True}, ["Gammal AB"]),  # Ny AB still has a valid one
        ({"q": "ab"}, ["Gammal AB", "Inget AB", "Lön AB", "Ny AB", "Webbyrån AB"]),
        ({"personal_data": True, "third_country": True}, ["Moln Inc"]),
        ({"personal_data": False, "min_criticality": None}, None),  # no filter
    ],
)
def test_filters(
    personas: Personas,
    world: dict[str, Supplier],
    filters: dict[str, Any],
    expected: list[str] | None,
) -> None:
    found = _names(supplier_filters(suppliers_of(personas.org_a), **filters))
    assert found == (sorted(world) if expected is None else sorted(expected))


def test_search_by_orgnr(personas: Personas, world: dict[str, Supplier]) -> None:
    orgnr = world["Lön AB"].orgnr
    assert orgnr is not None
    assert _names(supplier_filters(suppliers_of(personas.org_a), q=orgnr)) == ["Lön AB"]


FLAGS = ("criticality", "personal_data", "third_country", "missing_dpa", "expired_certificate")


def _list_queries(organisation: Organisation) -> int:
    with CaptureQueriesContext(connection) as queries:
        values = [[getattr(s, flag) for flag in FLAGS] for s in suppliers_of(organisation)]
    assert all(row[0] == 2 and all(row[1:3]) for row in values)
    return len(queries)


def _supplier_with_everything(personas: Personas) -> None:
    asset = make_asset(personas.org_a, confidentiality=2, personal_data=True)
    contract = make_contract(personas.org_a, assets=[asset])
    data_location_add(
        acting_user=personas.admin_a, contract=contract, country="IN", transfer_mechanism="scc"
    )
    _certificate(personas.org_a, contract.supplier, timezone.localdate())


def test_the_list_costs_the_same_for_3_and_15_suppliers(personas: Personas) -> None:
    for _ in range(3):
        _supplier_with_everything(personas)
    few = _list_queries(personas.org_a)
    for _ in range(12):
        _supplier_with_everything(personas)
    assert suppliers_of(personas.org_a).count() == 15
    assert _list_queries(personas.org_a) == few == 1


def _chain(length: int) -> list[Supplier]:
    suppliers = [make_supplier(f"Led {index}") for index in range(length + 1)]
    for upper, lower in itertools.pairwise(suppliers):
        _link(upper, lower)
    return suppliers


def test_tree_follows_a_four_deep_chain() -> None:
    chain = _chain(4)
    with CaptureQueriesContext(connection) as queries:
        tree = subprocessor_tree(chain[0])
    nodes = flatten(tree)
    assert [node.link.subprocessor.name for node in nodes] == ["Led 1", "Led 2", "Led 3", "Led 4"]
    assert [node.depth for node in nodes] == [1, 2, 3, 4]
    assert not any(node.repeated for node in nodes)
    assert len(queries) == 1  # one recursive query, however deep the chain


def test_a_trees_links_name_both_suppliers_without_more_queries() -> None:
    chain = _chain(3)
    tree = subprocessor_tree(chain[0])
    with CaptureQueriesContext(connection) as queries:
        names = [(node.link.supplier.name, node.link.subprocessor.name) for node in flatten(tree)]
    assert names == [("Led 0", "Led 1"), ("Led 1", "Led 2"), ("Led 2", "Led 3")]
    assert len(queries) == 0


def test_tree_stops_at_a_cycle() -> None:
    a, b, c = make_supplier("A"), make_supplier("B"), make_supplier("C")
    _link(a, b)
    _link(b, c)
    _link(c, a)  # back to the top
    _link(c, b)
    nodes = flatten(subprocessor_tree(a))
    assert [(node.link.subprocessor.name, node.depth, node.repeated) for node in nodes] == [
        ("B", 1, False),
        ("C", 2, False),
        ("A", 3, True),
        ("B", 3, True),
    ]


def test_tree_depth_is_capped() -> None:
    chain = _chain(MAX_CHAIN_DEPTH + 2)
    nodes = flatten(subprocessor_tree(chain[0]))
    assert len(nodes) == MAX_CHAIN_DEPTH


def test_trees_of_several_suppliers_share_their_queries() -> None:
    first, second = _chain(3), _chain(2)
    _link(second[-1], first[1])  # the second chain runs into the first
    with CaptureQueriesContext(connection) as queries:
        trees = subprocessor_trees([first[0], second[0]])
    assert len(queries) <= MAX_CHAIN_DEPTH
    assert len(flatten(trees[first[0].pk])) == 3
    names = [node.link.subprocessor.name for node in flatten(trees[second[0].pk])]
    assert names == ["Led 1", "Led 2", "Led 1", "Led 2", "Led 3"]
    assert trees == {
        first[0].pk: subprocessor_tree(first[0]),
        second[0].pk: subprocessor_tree(second[0]),
    }


def test_overview_of_a_supplier(personas: Personas, world: dict[str, Supplier]) -> None:
    cloud = suppliers_of(personas.org_a).get(name="Moln Inc")
    _link(cloud, make_supplier("Backup Ltd"), "GB")
    overview = supplier_overview(personas.org_a, cloud)
    assert overview.criticality == 3
    assert [asset.name for asset in overview.assets] == ["HR", "Webb"]
    assert overview.data.personal_data
    assert overview.data.data_subjects == 100
    assert [node.link.subprocessor.name for node in overview.tree] == ["Backup Ltd"]
    # The agreement covers everything and the US has SCCs; only the pentest is missing.
    assert [gap.kind for gap in overview.gaps] == ["pentest"]
    assert overview.personal_contracts == {c.pk for c in overview.contracts}


def test_data_summary_takes_the_strongest_protection(personas: Personas) -> None:
    first = make_asset(personas.org_a, personal_data=True, data_subjects=10, children=True)
    second = make_asset(
        personas.org_a,
        personal_data=True,
        data_subjects=5,
        protected_identities="skyddad_folkbokforing",
    )
    third = make_asset(
        personas.org_a, personal_data=True, protected_identities="sekretessmarkering"
    )
    summary = data_summary([a.current for a in (first, second, third) if a.current is not None])
    assert summary.protected_identities == "skyddad_folkbokforing"
    assert (summary.children, summary.sensitive_data, summary.data_subjects) == (True, False, 15)
    assert data_summary([]).protected_identities == "none"


def test_personal_data_assets(personas: Personas, world: dict[str, Supplier]) -> None:
    assert [asset.name for asset in personal_data_assets(personas.org_a)] == ["HR"]
    assert list(personal_data_assets(personas.org_b)) == []
