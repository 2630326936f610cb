"""Every contract on the instance that depends on a supplier, directly or through
sub-processors at any depth: the look-up under "who is hit". Two ways, which the benchmark
compares:

- contracts_depending_on(): what Tillit does, incidents.impact.dependants() (one query per
  level of the chains) and one query for the contracts;
- contracts_depending_on_sql(): one hand-written recursive CTE, the floor for any ORM version.

The first is not a selector of its own: it is dependants() and a filter, and the incidents app
owns that query.
"""

from __future__ import annotations

from uuid import UUID

from django.db import connection

from tillit.incidents.impact import dependants
from tillit.suppliers.models import Contract, SubProcessor, Supplier


def contracts_depending_on(supplier: Supplier) -> list[UUID]:
    return list(
        Contract.objects.filter(supplier_id__in=dependants(supplier)).values_list("pk", flat=True)
    )


def contracts_depending_on_sql(supplier: Supplier) -> list[UUID]:
    quote = connection.ops.quote_name
    link = SubProcessor._meta
    contract = Contract._meta
    user = quote(link.get_field("supplier").column)
    used = quote(link.get_field("subprocessor").column)
    contract_supplier = quote(contract.get_field("supplier").column)
    contract_pk = contract.get_field("id")
    # PostgreSQL cannot estimate the CTE's size and plans `IN (SELECT ...)` as a scan of every
    # contract (58 ms where the index takes 2 ms at national scale); an array built once lets it
    # use the index on supplier. SQLite has no arrays and uses the index for IN anyway.
    found = (
        "= ANY (ARRAY(SELECT id FROM dependant))"
        if connection.vendor == "postgresql"
        else "IN (SELECT id FROM dependant)"
    )
    # UNION, not UNION ALL: a supplier reached twice is kept once, which also ends cycles.
    # Only names from the models are formatted in; the supplier is a parameter.
    sql = f"""
        WITH RECURSIVE dependant(id) AS (
            SELECT %s
            UNION
            SELECT link.{user} FROM {quote(link.db_table)} link
            JOIN dependant ON link.{used} = dependant.id
        )
        SELECT {quote(contract_pk.column)} FROM {quote(contract.db_table)}
        WHERE {contract_supplier} {found}
    """  # noqa: S608
    supplier_pk = Supplier._meta.get_field("id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [supplier_pk.get_db_prep_value(supplier.pk, connection)])
        return [contract_pk.to_python(row[0]) for row in cursor.fetchall()]
