"""Bulk inserts and updates at the speed a national register needs.

Django's bulk_create and bulk_update spend some ten microseconds per value building SQL (on
SQLite in batches of under a thousand values), and bulk_update's CASE WHEN grows with every row
of a batch: 100,000 contracts took over a minute. These helpers send one statement with
executemany instead, and on PostgreSQL insert with COPY. Each value is still converted by its
own field (get_db_prep_save, once per distinct value), so the database receives what the ORM
would have sent, and fields not given take their defaults as in Model(). Tillit has no save()
overrides or signals to bypass. Call them inside the import's transaction.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

Converter = Callable[[Any], Any]


def insert(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> None:
    """Insert rows given as {attname: value} (organisation_id, not organisation)."""
    database = connections[DEFAULT_DB_ALIAS]
    fields = [
        field
        for field in model._meta.concrete_fields
        # Ids the database assigns are left to it.
        if not (field.primary_key and isinstance(field, AutoFieldMixin))
    ]
    now = timezone.now()
    plan = []
    for field in fields:
        convert = _converter(field, database)
        plan.append((field.attname, convert, _missing(field, convert, now)))
    names = {field.attname for field in fields}
    params = []
    for row in rows:
        if not row.keys() <= names:
            unknown = ", ".join(sorted(row.keys() - names))
            raise TypeError(f"{model.__name__} has no fields {unknown}")
        params.append(
            [convert(row[name]) if name in row else missing() for name, convert, missing in plan]
        )
    columns = ", ".join(database.ops.quote_name(field.column) for field in fields)
    table = database.ops.quote_name(model._meta.db_table)
    if database.vendor == "postgresql":
        _copy(database, f"COPY {table} ({columns}) FROM STDIN", params)
        return
    placeholders = ", ".join(["%s"] * len(fields))
    # Only names from the model are formatted in; every value is a parameter.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    _execute(database, sql, params)


def update(model: type[models.Model], rows: Iterable[dict[str, Any]], fields: list[str]) -> None:
    """Set the fields of each row, which names its object by "pk"."""
    database = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    pk = meta.pk
    if pk is None:
        raise TypeError(f"{model.__name__} has no primary key")
    targets = [field for field in meta.concrete_fields if field.name in fields]
    plan = [(field.name, _converter(field, database)) for field in targets]
    convert_pk = _converter(pk, database)
    params = [
        [convert(row[name]) for name, convert in plan] + [convert_pk(row["pk"])] for row in rows
    ]
    assignments = ", ".join(f"{database.ops.quote_name(field.column)} = %s" for field in targets)
    table = database.ops.quote_name(meta.db_table)
    # Only names from the model are formatted in; every value is a parameter.
    sql = f"UPDATE {table} SET {assignments} WHERE {database.ops.quote_name(pk.column)} = %s"  # noqa: S608
    _execute(database, sql, params)


def matching(
    model: type[models.Model],
    by: Sequence[str],
    keys: Collection[tuple[Any, ...]],
    columns: Sequence[str],
) -> list[tuple[Any, ...]]:
    """The columns of the model's rows whose fields named by equal one of the keys."""
    database = connections[DEFAULT_DB_ALIAS]
    quote = database.ops.quote_name
    key_fields = [field_of(model, name) for name in by]
    selected = ", ".join(f"x.{quote(field_of(model, name).column)}" for name in columns)
    condition = " AND ".join(
        f"x.{quote(field.column)} = k.column{number}"
        for number, field in enumerate(key_fields, start=1)
    )
    table = quote(model._meta.db_table)
    # Only names from the model are formatted in; every value is a parameter.
    sql = f"SELECT {selected} FROM {{keys}} JOIN {table} x ON {condition}"  # noqa: S608
    return select(sql, keys, key_fields)


def select(
    sql: str, keys: Collection[tuple[Any, ...]], fields: Sequence[models.Field[Any, Any]]
) -> list[tuple[Any, ...]]:
    """The rows sql selects for keys, as the database gives them (unconverted).

    sql joins the keys as table k: its "{keys}" is replaced by a table of them, "... AS k",
    whose columns are column1, column2, ..., each converted by the field at its position.
    Matching a file's keys in the database reads only the rows that match, not every row of
    the organisations the file names: a national import names hundreds of thousands.
    """
    database = connections[DEFAULT_DB_ALIAS]
    converters = [_converter(field, database) for field in fields]
    items = list(keys)
    if not items:
        return []
    if database.vendor == "postgresql":
        return _select_unnested(database, sql, items, fields, converters)
    # SQLite: a VALUES list, in chunks within its limit of parameters a query: 32,766 unless
    # built otherwise (since 3.32). Django assumes the 999 of older versions, in whose chunks
    # the keys of 100,000 contracts took 2 s more.
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    database.ensure_connection()
    limit = database.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    size = limit // len(fields)
    found = []
    with database.cursor() as cursor:
        for start in range(0, len(items), size):
            chunk = items[start : start + size]
            params = [
                convert(value)
                for key in chunk
                for convert, value in zip(converters, key, strict=True)
            ]
            table = "(VALUES " + ", ".join([placeholder] * len(chunk)) + ") AS k"
            cursor.execute(sql.replace("{keys}", table), params)
            found += cursor.fetchall()
    return found


def _select_unnested(
    database: BaseDatabaseWrapper,
    sql: str,
    items: list[tuple[Any, ...]],
    fields: Sequence[models.Field[Any, Any]],
    converters: list[Converter],
) -> list[tuple[Any, ...]]:
    """PostgreSQL: every key in one query, as one array per column. PostgreSQL hashes the
    table it joins once, where each chunk of a VALUES list would scan it again (two hundred
    scans of the supplier links in a national import: 3 s instead of 0.1 s).

    Without parallel workers, for the rest of the transaction: PostgreSQL planned the
    contracts' match (100,000 keys) with each worker building the same hash tables, which
    took 1.4 s instead of 0.6 s on two cores, and an import should not take the cores the
    web processes answer on."""
    arrays = ", ".join(f"%s::{_array_type(field, database)}[]" for field in fields)
    names = ", ".join(f"column{number}" for number in range(1, len(fields) + 1))
    params = [
        _array_literal([convert(key[position]) for key in items])
        for position, convert in enumerate(converters)
    ]
    with transaction.atomic(savepoint=False), database.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(sql.replace("{keys}", f"unnest({arrays}) AS k({names})"), params)
        found: list[tuple[Any, ...]] = cursor.fetchall()
    return found


def _array_literal(values: list[Any]) -> str:
    """The values as PostgreSQL writes an array: ids as 32 hex digits, None as NULL, anything
    else in double quotes with backslash and double quote escaped. psycopg's own array dumper
    goes through a list in Python, a call per value: 3 s for the 770,000 keys of a national
    import, this half a second."""
    return (
        "{"
        + ",".join(
            value.hex
            if type(value) is uuid.UUID
            else "NULL"
            if value is None
            else '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
            for value in values
        )
        + "}"
    )


def _array_type(field: models.Field[Any, Any], database: BaseDatabaseWrapper) -> str:
    """The type of the field's keys as an array: varchar without the column's length, to which
    a cast would cut a longer value (which would then match the row it begins like)."""
    db_type = str(field.db_type(database))
    return "varchar" if db_type.startswith("varchar(") else db_type


def as_uuid(value: uuid.UUID | str) -> uuid.UUID:
    """An id as the database gives it: a UUID on PostgreSQL, 32 hex digits on SQLite."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def field_of(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    return cast(models.Field[Any, Any], model._meta.get_field(name))


def _execute(database: BaseDatabaseWrapper, sql: str, params: list[list[Any]]) -> None:
    if params:
        with database.cursor() as cursor:
            cursor.executemany(sql, params)


def _copy(database: BaseDatabaseWrapper, sql: str, rows: list[list[Any]]) -> None:
    """Rows streamed in with one COPY. Django's cursors on PostgreSQL put the values into the
    SQL text, so the server parses and plans each row's INSERT of executemany anew: 100,000
    contracts with their systems, agreements and locations took half a minute that way."""
    if not rows:
        return
    # Called on psycopg's cursor, the errors are not Django's: wrapped as execute() wraps them
    # (an import tells a unique violation, IntegrityError, from other failures).
    with database.wrap_database_errors, database.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _missing(field: models.Field[Any, Any], convert: Converter, now: Any) -> Callable[[], Any]:
    """The database value of a field not given, as Model() and save() would set it."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        value = convert(now)
    elif field.has_default() and callable(field.default):
        return lambda: convert(field.get_default())  # a new value for every row, e.g. uuid4
    else:
        value = convert(field.get_default())
    return lambda: value


def _converter(field: models.Field[Any, Any], database: BaseDatabaseWrapper) -> Converter:
    """The field's own conversion to a database value, remembered for repeated values (the
    same dates, organisation and country on thousands of rows); ids are mostly unique."""
    if _is_uuid(field):
        return _uuid_converter(field, database)
    cache: dict[tuple[type, Any], Any] = {}

    def convert(value: Any) -> Any:
        key = (type(value), value)
        try:
            return cache[key]
        except KeyError:
            converted = cache[key] = field.get_db_prep_save(value, database)
            return converted
        except TypeError:  # unhashable, e.g. the dict of a JSONField
            return field.get_db_prep_save(value, database)

    return convert


def _is_uuid(field: models.Field[Any, Any]) -> bool:
    target = getattr(field, "target_field", field) if field.is_relation else field
    return isinstance(target, models.UUIDField)


def _uuid_converter(field: models.Field[Any, Any], database: BaseDatabaseWrapper) -> Converter:
    """UUIDField's conversion, without its layers: ids are unique, so there is nothing to
    remember, and there are hundreds of thousands of them."""
    native = database.features.has_native_uuid_field

    def convert(value: Any) -> Any:
        if not isinstance(value, uuid.UUID):
            return field.get_db_prep_save(value, database)
        return value if native else value.hex

    return convert
