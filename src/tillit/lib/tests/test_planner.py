"""The query planner's statistics: refreshed on SQLite, which gathers none by itself."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import QuerySet
from pytest_django import DjangoAssertNumQueries

from tillit.classification.models import Asset
from tillit.lib.planner import refresh_statistics
from tillit.suppliers.models import Contract, ContractAsset
from tillit.testing import make_organisation, make_supplier, sqlite_index_statistics

pytestmark = pytest.mark.django_db

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's statistics")


def _plan(query: QuerySet[Contract]) -> str:
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " ".join(str(row[-1]) for row in cursor.fetchall())


@on_sqlite
def test_sqlite_learns_how_the_data_is_spread_and_looks_contracts_up_by_system() -> None:
    organisation, supplier = make_organisation(), make_supplier()
    assets = Asset.objects.bulk_create(
        Asset(organisation=organisation, name=f"System {number}") for number in range(300)
    )
    contracts = Contract.objects.bulk_create(
        Contract(organisation=organisation, supplier=supplier, service=f"Tjänst {number}")
        for number in range(300)
    )
    ContractAsset.objects.bulk_create(
        ContractAsset(contract=contract, asset=asset)
        for contract, asset in zip(contracts, assets, strict=True)
    )

    refresh_statistics()

    # 300 contracts, all of one organisation and supplier.
    assert sqlite_index_statistics("contract_org_supplier_idx") == "300 300 300"
    # As the processing register asks for the contracts of a page of systems: by system, not
    # by going through all of the organisation's contracts (what SQLite guesses without).
    page = Contract.objects.filter(organisation=organisation, assets__in=assets[:10])
    plan = _plan(page)
    assert "suppliers_contract_assets_asset_id" in plan, plan
    assert "contract_org_supplier_idx" not in plan, plan


@pytest.mark.skipif(connection.vendor == "sqlite", reason="PostgreSQL's autovacuum")
def test_on_postgresql_autovacuum_keeps_the_statistics(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_num_queries(0):
        refresh_statistics()
