"""The bulk writer: rows written as the ORM would write them, on SQLite and PostgreSQL alike
(executemany there, COPY here), and a failure is Django's error with nothing written."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from pytest_django import DjangoAssertNumQueries

from tillit.classification.models import Classification
from tillit.imports import bulk
from tillit.imports.tests.conftest import World
from tillit.suppliers.models import Contract

pytestmark = pytest.mark.django_db


def test_given_values_and_defaults_are_written_as_the_orm_writes_them(world: World) -> None:
    given = uuid.uuid4()
    before = dt.datetime.now(dt.UTC)

    bulk.insert(
        Contract,
        [
            {
                "id": given,
                "organisation_id": world.personas.org_a.pk,
                "supplier_id": world.supplier.pk,
                "service": 'Lön; "citat", tabb\toch\nny rad \\ snedstreck',
                "start": dt.date(2024, 1, 31),
                "annual_value": Decimal("1234.50"),
                "right_to_audit": True,
            },
            {
                "organisation_id": world.personas.org_a.pk,
                "supplier_id": world.hosting.pk,
                "service": "Drift",
                "end": dt.date(2027, 12, 31),
            },
        ],
    )

    first = Contract.objects.get(pk=given)
    second = Contract.objects.exclude(pk=given).get()
    assert first.service == 'Lön; "citat", tabb\toch\nny rad \\ snedstreck'
    assert (first.start, first.end, first.annual_value) == (
        dt.date(2024, 1, 31),
        None,
        Decimal("1234.50"),
    )
    assert (first.right_to_audit, first.liability, first.customer_contact) == (True, False, "")
    assert first.created_at >= before
    assert second.pk != given  # a new id from the field's default
    assert (second.start, second.end, second.annual_value) == (None, dt.date(2027, 12, 31), None)


def test_json_values_are_written_whole(world: World) -> None:
    answers = {"confidentiality": {"suggested": 2, "reason": 'Personuppgifter, "känsliga"'}}
    Classification.objects.filter(asset=world.system).delete()

    levels = dict.fromkeys(["confidentiality", "integrity", "availability", "traceability"], 1)
    when = {"classified_at": dt.datetime.now(dt.UTC), "review_due": dt.date(2027, 6, 1)}
    row = {"asset_id": world.system.pk, "version": 1, "answers": answers} | levels | when

    bulk.insert(Classification, [row])

    classification = Classification.objects.get(asset=world.system)
    assert (classification.answers, classification.overrides) == (answers, {})


def test_an_unknown_field_is_refused_before_anything_is_written(world: World) -> None:
    with pytest.raises(TypeError, match="Contract has no fields colour"):
        bulk.insert(Contract, [{"service": "Lön", "colour": "blå"}])


def test_a_unique_violation_is_djangos_integrity_error_and_nothing_is_written(world: World) -> None:
    existing = Contract.objects.create(
        organisation=world.personas.org_a, supplier=world.supplier, service="Lön"
    )
    row = {"organisation_id": world.personas.org_a.pk, "supplier_id": world.hosting.pk}

    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert(
            Contract, [row | {"service": "Ny"}, row | {"id": existing.pk, "service": "Krock"}]
        )

    assert list(Contract.objects.values_list("service", flat=True)) == ["Lön"]


def test_updates_set_only_the_fields_named(world: World) -> None:
    contract = Contract.objects.create(
        organisation=world.personas.org_a,
        supplier=world.supplier,
        service="Lön",
        notice_period_days=90,
    )

    bulk.update(
        Contract,
        [{"pk": contract.pk, "service": "Lön och personal", "notice_period_days": 30}],
        ["service"],
    )

    contract.refresh_from_db()
    assert (contract.service, contract.notice_period_days) == ("Lön och personal", 90)


def test_matching_finds_the_rows_of_the_keys(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    org_a, org_b = world.personas.org_a, world.personas.org_b
    # Names that array and list syntax would trip on, if a value were not quoted right.
    services = [f"Tjänst {number}" for number in range(593)]
    services += ["a, b", 'Citat "x"', "{klammer}", "O'Brien", "bak\\snedstreck", "NULL", " kant "]
    bulk.insert(
        Contract,
        [
            {"organisation_id": org_a.pk, "supplier_id": world.supplier.pk, "service": service}
            for service in services
        ],
    )
    # 600 keys of organisation A's contracts, and 400 keys that match none: the same services
    # at organisation B, and services A does not have.
    keys = [(org_a.pk, service) for service in services]
    keys += [(org_b.pk, service) for service in services[:200]]
    keys += [(org_a.pk, f"Annan {number}") for number in range(200)]
    by = ("organisation", "service")

    # SQLite takes as many parameters a query as it was built to (32,766 by default): the keys
    # go in chunks within its limit, one query for these 1,000 pairs, or three at a limit of
    # 999. PostgreSQL takes them all at once, as arrays, after turning parallel workers off
    # for the transaction.
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        default = connection.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
        try:
            with django_assert_num_queries(3):
                in_chunks = bulk.matching(Contract, by, keys, ("service", "supplier"))
        finally:
            connection.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, default)
    with django_assert_num_queries(1 if connection.vendor == "sqlite" else 2):
        found = bulk.matching(Contract, by, keys, ("service", "supplier"))
    if connection.vendor == "sqlite":
        assert sorted(in_chunks) == sorted(found)

    supplier = world.supplier.pk.hex if connection.vendor == "sqlite" else world.supplier.pk
    assert sorted(found) == sorted((service, supplier) for service in services)
    with django_assert_num_queries(0):
        assert bulk.matching(Contract, by, [], ("service",)) == []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone() == ("0",)


def test_a_key_longer_than_its_column_matches_nothing(world: World) -> None:
    org_a = world.personas.org_a
    stored = "S" * 200  # as long as a service may be
    bulk.insert(
        Contract,
        [{"organisation_id": org_a.pk, "supplier_id": world.supplier.pk, "service": stored}],
    )
    by = ("organisation", "service")

    assert bulk.matching(Contract, by, [(org_a.pk, stored + "T")], ("service",)) == []
    assert bulk.matching(Contract, by, [(org_a.pk, stored)], ("service",)) == [(stored,)]


def test_a_key_with_no_value_matches_nothing(world: World) -> None:
    org_a = world.personas.org_a
    bulk.insert(
        Contract,
        [{"organisation_id": org_a.pk, "supplier_id": world.supplier.pk, "service": "Lön"}],
    )
    by = ("organisation", "start")  # the contract has no start: NULL equals nothing in SQL

    assert bulk.matching(Contract, by, [(org_a.pk, None)], ("service",)) == []
    assert bulk.matching(Contract, ("organisation",), [(org_a.pk,)], ("service",)) == [("Lön",)]
