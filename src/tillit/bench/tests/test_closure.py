"""The hand-written recursive CTE finds the same contracts as Tillit's own walk, cycles too."""

from __future__ import annotations

import pytest

from tillit.bench.closure import contracts_depending_on, contracts_depending_on_sql
from tillit.suppliers.models import SubProcessor, Supplier
from tillit.testing import make_contract, make_organisation, make_supplier

pytestmark = pytest.mark.django_db


def _uses(user: Supplier, used: Supplier) -> None:
    SubProcessor.objects.create(supplier=user, subprocessor=used, service="Drift", country="SE")


def test_both_find_every_contract_through_the_chains() -> None:
    hr, hosting, cloud, other = (make_supplier() for _ in range(4))
    _uses(hr, hosting)
    _uses(hosting, cloud)
    _uses(cloud, hr)  # a cycle: both must stop
    _uses(other, make_supplier())
    town, region = make_organisation(), make_organisation()
    hit = {
        make_contract(town, hr).pk,
        make_contract(region, hosting).pk,
        make_contract(region, cloud).pk,
    }
    make_contract(town, other)

    assert set(contracts_depending_on_sql(cloud)) == hit
    assert set(contracts_depending_on(cloud)) == hit
    assert len(contracts_depending_on_sql(cloud)) == len(hit)


def test_a_supplier_nobody_uses() -> None:
    lonely = make_supplier()
    assert contracts_depending_on_sql(lonely) == []
    assert contracts_depending_on(lonely) == []
