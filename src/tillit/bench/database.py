"""The database the benchmark writes into, which is never the one Tillit is configured with.

Without a URL: a new SQLite file, bench.sqlite3 under TILLIT_VAR_DIR (var/), on the same disk as
Tillit's own database and with the same settings (WAL, IMMEDIATE transactions). With a URL:
a database of its own on the server the URL names, never the named database itself:
`<name>_bench` on PostgreSQL, `<file>-bench.sqlite3` beside an SQLite file. Either is created
at the start, replacing a leftover of an interrupted run (which has the same name, so nothing
else is ever replaced), migrated as Django's test runner migrates its test database, and
dropped at the end unless the caller keeps it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.db import connection, connections

SQLITE = "django.db.backends.sqlite3"


def bench_settings(url: str | None, var_dir: Path) -> dict[str, Any]:
    """The connection settings for the bench database: TEST NAME is where it goes."""
    if url is None:
        path = str(var_dir / "bench.sqlite3")
        database: dict[str, Any] = {"ENGINE": SQLITE, "NAME": path}
        name = path
    else:
        database = dict(dj_database_url.parse(url))
        if database["ENGINE"] == SQLITE:
            given = Path(database["NAME"])
            name = str(given.with_name(f"{given.stem}-bench{given.suffix or '.sqlite3'}"))
        else:
            name = f"{database['NAME']}_bench"
    if database["ENGINE"] == SQLITE:
        database["OPTIONS"] = dict(settings.SQLITE_OPTIONS)
    database["TEST"] = {"NAME": name}
    return database


@contextmanager
def bench_database(database: dict[str, Any], *, keep: bool = False) -> Iterator[str]:
    """Make the bench database the default connection, created and migrated; yield its name."""
    if database["ENGINE"] == SQLITE:
        Path(database["TEST"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _use(database)
    server = connection.settings_dict["NAME"]
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield name
    finally:
        if keep:
            connection.close()
        else:
            connection.creation.destroy_test_db(server, verbosity=0)


def _use(database: dict[str, Any]) -> None:
    """Point the default alias at other settings, possibly another backend: Django has no
    switch for that, so the handler's settings are replaced and its connection dropped."""
    connections["default"].close()
    connections.settings["default"] = database
    connections.configure_settings(connections.settings)
    del connections["default"]
