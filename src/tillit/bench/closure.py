"""Every contract on the instance that depends on a supplier, directly or through
sub-processors at any depth: the look-up under "who is hit". Two ways, which the benchmark
compares:

- contracts_depending_on(): what Tillit does, incidents.impact.dependants() (one query per
  level of the chains) and one query for the contracts;
- contracts_depending_on_sql(): one hand-written recursive CTE, the floor for any ORM version.

The first is not a selector of its own: it is dependants() and a filter, and the incidents app
owns that query. impact_sql() is the floor of the whole of incidents.impact.impact(): the same
facts (organisations, contracts, processor agreements, systems and their classification) in one
query, left as rows.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import connection, models

from tillit.classification.models import Asset, Classification
from tillit.incidents.impact import dependants
from tillit.organisations.models import Organisation
from tillit.suppliers.models import Contract, ProcessorAgreement, SubProcessor, Supplier


def contracts_depending_on(supplier: Supplier) -> list[UUID]:
    return list(
        Contract.objects.filter(supplier_id__in=dependants(supplier)).values_list("pk", flat=True)
    )


def _dependant_cte() -> str:
    """A recursive CTE `dependant(id)`: the supplier (the query's first parameter) and every
    supplier that uses it through sub-processor links at any depth."""
    quote = connection.ops.quote_name
    link = SubProcessor._meta
    user = quote(link.get_field("supplier").column)
    used = quote(link.get_field("subprocessor").column)
    # UNION, not UNION ALL: a supplier reached twice is kept once, which also ends cycles.
    # Only names from the models are formatted in.
    return f"""
        WITH RECURSIVE dependant(id) AS (
            SELECT %s
            UNION
            SELECT link.{user} FROM {quote(link.db_table)} link
            JOIN dependant ON link.{used} = dependant.id
        )"""  # noqa: S608


def _in_dependant() -> str:
    # PostgreSQL cannot estimate the CTE's size and plans `IN (SELECT ...)` as a scan of every
    # contract (58 ms where the index takes 2 ms at national scale); an array built once lets it
    # use the index on supplier. SQLite has no arrays and uses the index for IN anyway.
    if connection.vendor == "postgresql":
        return "= ANY (ARRAY(SELECT id FROM dependant))"
    return "IN (SELECT id FROM dependant)"


def _supplier_param(supplier: Supplier) -> Any:
    return Supplier._meta.get_field("id").get_db_prep_value(supplier.pk, connection)


def contracts_depending_on_sql(supplier: Supplier) -> list[UUID]:
    quote = connection.ops.quote_name
    contract = Contract._meta
    contract_supplier = quote(contract.get_field("supplier").column)
    contract_pk = contract.get_field("id")
    # Only names from the models are formatted in; the supplier is a parameter.
    sql = f"""{_dependant_cte()}
        SELECT {quote(contract_pk.column)} FROM {quote(contract.db_table)}
        WHERE {contract_supplier} {_in_dependant()}
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [_supplier_param(supplier)])
        return [contract_pk.to_python(row[0]) for row in cursor.fetchall()]


def _column(alias: str, model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return f"{alias}.{connection.ops.quote_name(field.column)}"


def _table(model: type[models.Model], alias: str) -> str:
    return f"{connection.ops.quote_name(model._meta.db_table)} {alias}"


# What impact() reads, per model alias.
IMPACT_COLUMNS: list[tuple[str, type[models.Model], str]] = [
    *(("o", Organisation, name) for name in ("id", "orgnr", "name", "slug", "kind", "nis2")),
    *(("c", Contract, name) for name in ("supplier", "service", "incident_notice_hours")),
    ("s", Supplier, "name"),
    ("pa", ProcessorAgreement, "signed_on"),
    *(("pa", ProcessorAgreement, f"covers_{point}") for point in "abcdefgh"),
    ("a", Asset, "id"),
    ("a", Asset, "name"),
    *(
        ("cl", Classification, name)
        for name in (
            "personal_data",
            "sensitive_data",
            "criminal_data",
            "personnummer",
            "protected_identities",
            "data_subjects",
            "confidentiality",
            "integrity",
            "availability",
            "traceability",
        )
    ),
]


def impact_sql(supplier: Supplier) -> list[tuple[Any, ...]]:
    """One row per affected contract and system it serves (a contract without systems once),
    in the order of IMPACT_COLUMNS."""
    through = Contract.assets.through
    columns = ", ".join(_column(alias, model, name) for alias, model, name in IMPACT_COLUMNS)
    # Only names from the models are formatted in; the supplier is a parameter.
    sql = f"""{_dependant_cte()}
        SELECT {columns}
        FROM {_table(Contract, "c")}
        JOIN {_table(Organisation, "o")} ON o.id = {_column("c", Contract, "organisation")}
        JOIN {_table(Supplier, "s")} ON s.id = {_column("c", Contract, "supplier")}
        LEFT JOIN {_table(ProcessorAgreement, "pa")}
            ON {_column("pa", ProcessorAgreement, "contract")} = c.id
        LEFT JOIN {_table(through, "ca")} ON {_column("ca", through, "contract")} = c.id
        LEFT JOIN {_table(Asset, "a")} ON a.id = {_column("ca", through, "asset")}
        LEFT JOIN {_table(Classification, "cl")} ON cl.id = {_column("a", Asset, "current")}
        WHERE {_column("c", Contract, "supplier")} {_in_dependant()}
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [_supplier_param(supplier)])
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows
