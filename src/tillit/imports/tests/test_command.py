from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tillit.imports.tests.conftest import World
from tillit.imports.tests.files import CONTRACT_COLUMNS, counts, csv_bytes
from tillit.suppliers.models import Contract


def _file(tmp_path: Path, world: World, end: str = "2027-12-31") -> Path:
    path = tmp_path / "avtal.csv"
    row = [world.orgnr, "556677-8899", "Personalsystem", "2024-01-01", end, "", "SE", "24"]
    path.write_bytes(csv_bytes([CONTRACT_COLUMNS, row]))
    return path


def _import(*args: str) -> str:
    output = StringIO()
    call_command("import", *args, stdout=output)
    return output.getvalue()


def test_imports_and_says_what_it_did(tmp_path: Path, world: World) -> None:
    path = _file(tmp_path, world)
    output = _import("contracts", str(path), "--organisation", world.orgnr.replace("-", ""))
    assert output.strip() == "contracts: 1 rows, 1 created, 0 updated, 0 unchanged"
    assert Contract.objects.filter(organisation=world.personas.org_a).count() == 1


def test_a_dry_run_writes_nothing(tmp_path: Path, world: World) -> None:
    before = counts()
    output = _import("contracts", str(_file(tmp_path, world)), "--dry-run")
    assert "1 created" in output
    assert "dry run" in output
    assert counts() == before


def test_problems_are_printed_by_row_and_column(tmp_path: Path, world: World) -> None:
    before = counts()
    with pytest.raises(CommandError) as caught:
        _import("contracts", str(_file(tmp_path, world, end="2023-01-01")))
    assert str(caught.value) == (
        "Nothing was imported:\nrow 2, column end: The contract cannot end before it starts."
    )
    assert counts() == before


def test_the_organisation_must_be_registered_and_match(tmp_path: Path, world: World) -> None:
    path = _file(tmp_path, world)
    with pytest.raises(CommandError, match="no organisation 556016-0656"):
        _import("contracts", str(path), "--organisation", "556016-0656")
    with pytest.raises(CommandError, match="check digit"):
        _import("contracts", str(path), "--organisation", "556016-0657")
    with pytest.raises(CommandError, match="column organisation_orgnr"):
        _import("contracts", str(path), "--organisation", world.personas.org_b.orgnr)
    with pytest.raises(CommandError, match="does not apply"):
        _import("organisations", str(path), "--organisation", world.orgnr)


def test_a_missing_file(tmp_path: Path, world: World) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        _import("suppliers", str(tmp_path / "saknas.csv"))
