"""import_file as a whole: dry runs, all rows or none, one audit record, organisations."""

from __future__ import annotations

import gc
import hashlib
from typing import Any

import pytest

from tillit.audit.models import AuditEvent
from tillit.imports import services
from tillit.imports.kinds.base import Record
from tillit.imports.services import import_file
from tillit.imports.tests.conftest import World
from tillit.imports.tests.files import CONTRACT_COLUMNS, counts, csv_bytes, run, where
from tillit.suppliers.models import Contract
from tillit.testing import make_asset


def _contracts(world: World, systems: list[str], orgnr: str = "") -> bytes:
    rows = [
        [orgnr or world.orgnr, "556677-8899", name, "2024-01-01", "", "", "SE", ""]
        for name in systems
    ]
    return csv_bytes([CONTRACT_COLUMNS, *rows])


def test_a_dry_run_counts_and_writes_nothing(world: World) -> None:
    before = counts()
    result = run("contracts", _contracts(world, ["Personalsystem"]), dry_run=True)
    assert result.ok
    assert result.dry_run
    assert (result.rows, result.created) == (1, 1)
    assert counts() == before


def test_one_bad_row_among_many_imports_none(world: World) -> None:
    for number in range(50):
        make_asset(world.personas.org_a, f"System {number}")
    before = counts()
    names = [f"System {number}" for number in range(50)] + ["Finns inte"]
    result = run("contracts", _contracts(world, names), organisation=world.personas.org_a)
    assert where(result) == [(52, "system_name", "unknown_system")]
    assert result.rows == 51
    assert counts() == before


def test_one_audit_record_for_the_whole_import(world: World) -> None:
    make_asset(world.personas.org_a, "Ekonomisystem")
    content = _contracts(world, ["Personalsystem", "Ekonomisystem"])
    before = AuditEvent.objects.count()
    result = import_file(
        kind="contracts",
        content=content,
        filename="avtal.csv",
        acting_user=world.personas.admin_a,
        organisation=world.personas.org_a,
        dry_run=False,
    )
    assert result.created == 2
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(action="import.contracts")
    assert event.organisation_id == world.personas.org_a.pk
    assert event.actor_id == world.personas.admin_a.pk
    assert event.changes == {
        "created": [None, 2],
        "file": [None, "avtal.csv"],
        "rows": [None, 2],
        "sha256": [None, hashlib.sha256(content).hexdigest()],
        "updated": [None, 0],
    }
    run("contracts", content, organisation=world.personas.org_a)
    assert AuditEvent.objects.count() == before + 1  # nothing changed, nothing recorded


def test_without_an_organisation_rows_name_theirs(world: World) -> None:
    make_asset(world.personas.org_b, "Personalsystem")
    content = csv_bytes(
        [
            CONTRACT_COLUMNS,
            [world.orgnr, "556677-8899", "Personalsystem", "", "", "", "", ""],
            [world.personas.org_b.orgnr, "556677-8899", "Personalsystem", "", "", "", "", ""],
            ["556016-0656", "556677-8899", "Personalsystem", "", "", "", "", ""],
        ]
    )
    result = run("contracts", content)
    assert where(result) == [(4, "organisation_orgnr", "unknown_organisation")]
    result = run("contracts", content.rsplit(b"556016", 1)[0])
    assert result.created == 2
    assert set(Contract.objects.values_list("organisation", flat=True)) == {
        world.personas.org_a.pk,
        world.personas.org_b.pk,
    }
    event = AuditEvent.objects.get(action="import.contracts")
    assert event.organisation_id is None
    assert event.object_type == "suppliers.contract"


def test_with_an_organisation_other_organisations_rows_are_errors(world: World) -> None:
    content = _contracts(world, ["Personalsystem"], orgnr=world.personas.org_b.orgnr)
    result = run("contracts", content, organisation=world.personas.org_a)
    assert where(result) == [(2, "organisation_orgnr", "other_organisation")]


def test_an_unknown_kind_is_a_programming_error(world: World) -> None:
    with pytest.raises(ValueError, match="Unknown kind"):
        run("invoices", b"a\n1\n")


@pytest.mark.parametrize(
    ("content", "dry_run", "validated"),
    [
        (b"\xff\xfe", False, []),  # refused while reading
        (b"organisation_orgnr\n1\n", False, [False]),  # refused while validating
        (None, True, [False]),
        (None, False, [False]),
    ],
)
def test_the_cycle_collector_pauses_during_an_import_and_resumes_after(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    content: bytes | None,
    dry_run: bool,
    validated: list[bool],
) -> None:
    seen: list[bool] = []
    validate = services._validate

    def watched(*args: Any) -> list[Record]:
        seen.append(gc.isenabled())
        return validate(*args)

    monkeypatch.setattr(services, "_validate", watched)
    assert gc.isenabled()
    run("contracts", content or _contracts(world, ["Personalsystem"]), dry_run=dry_run)
    assert gc.isenabled()
    assert seen == validated
