from __future__ import annotations

from tillit.imports.tests.conftest import World
from tillit.imports.tests.files import counts, csv_bytes, run, where
from tillit.suppliers.models import SubProcessor

HEADER = ["supplier_orgnr", "subprocessor_orgnr", "service", "country"]


def test_links_are_created_also_to_foreign_suppliers(world: World) -> None:
    content = csv_bytes(
        [
            HEADER,
            ["556677-8899", "556100-1008", "Drift och lagring", "SE"],
            ["556100-1008", "US:DE-7781234", "Säkerhetskopiering", "us"],
        ]
    )
    result = run("subprocessors", content, organisation=world.personas.org_a)
    assert result.ok, result.errors
    assert result.created == 2
    link = SubProcessor.objects.get(subprocessor=world.foreign)
    assert (link.supplier, link.service, link.country) == (
        world.hosting,
        "Säkerhetskopiering",
        "US",
    )
    assert link.recorded_by == world.personas.org_a


def test_reimport_changes_nothing_and_a_new_country_updates(world: World) -> None:
    row = ["556677-8899", "556100-1008", "Drift", "SE"]
    run("subprocessors", csv_bytes([HEADER, row]))
    before = counts()
    assert run("subprocessors", csv_bytes([HEADER, row])).unchanged == 1
    assert counts() == before
    result = run("subprocessors", csv_bytes([HEADER, [*row[:3], "FI"]]))
    assert result.updated == 1
    assert SubProcessor.objects.get().country == "FI"


def test_unknown_suppliers_and_self_links_are_refused(world: World) -> None:
    before = counts()
    content = csv_bytes(
        [
            HEADER,
            ["556677-8899", "556016-0656", "Drift", "SE"],
            ["556677-8899", "556677-8899", "Drift", "SE"],
            ["556677-8899", "XX:123", "Drift", "SE"],
            ["556677-8899", "US:", "Drift", "SE"],
        ]
    )
    result = run("subprocessors", content)
    assert where(result) == [
        (2, "subprocessor_orgnr", "unknown_supplier"),
        (3, "subprocessor_orgnr", "own_subprocessor"),
        (4, "subprocessor_orgnr", "country"),
        (5, "subprocessor_orgnr", "registration_number"),
    ]
    assert "556016-0656" in result.errors[0].message
    assert counts() == before
