"""The bench never writes into the database Tillit is configured with, nor the one a URL names."""

from __future__ import annotations

from pathlib import Path

from tillit.bench.database import SQLITE, bench_settings


def test_by_default_a_file_of_its_own_under_var(tmp_path: Path) -> None:
    database = bench_settings(None, tmp_path)
    assert database["ENGINE"] == SQLITE
    assert database["TEST"]["NAME"] == str(tmp_path / "bench.sqlite3")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_on_postgresql_a_database_beside_the_named_one() -> None:
    database = bench_settings("postgres://tillit@db.internal:5432/tillit", Path("var"))
    assert database["NAME"] == "tillit"
    assert database["HOST"] == "db.internal"
    assert database["TEST"]["NAME"] == "tillit_bench"


def test_beside_a_named_sqlite_file(tmp_path: Path) -> None:
    database = bench_settings(f"sqlite:///{tmp_path}/tillit.sqlite3", Path("var"))
    assert database["TEST"]["NAME"] == str(tmp_path / "tillit-bench.sqlite3")
