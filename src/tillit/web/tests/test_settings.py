"""Settings are read in a fresh process: each case runs `tillit check` with its environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

PRODUCTION = {
    "TILLIT_ENV": "production",
    "SECRET_KEY": "x7#kP2!vQ9zL4mN8wR1tY6uE3oI5pA0sD-fG7hJ2kL9zX4cV1bN6mQ8wE3rT5yU0",
    "ALLOWED_HOSTS": "tillit.example.se",
    "DATABASE_URL": "sqlite:///:memory:",
    "DOCUMENT_KEYS": "q2Z0aG9yc2UtYmF0dGVyeS1zdGFwbGUtY29ycmVjdDE=",
}


def _tillit(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k != "TILLIT_DEMO"}
    return subprocess.run(
        [sys.executable, "-m", "tillit", *args],
        env=clean | {"TILLIT_VAR_DIR": str(tmp_path)} | env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_passes_the_deploy_check_without_warnings(tmp_path: Path) -> None:
    result = _tillit(tmp_path, PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_are_bound_to_the_host(tmp_path: Path) -> None:
    code = "from django.conf import settings as s; print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME)"
    result = _tillit(tmp_path, PRODUCTION, "shell", "--no-imports", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["__Host-tillit_session", "__Host-tillit_csrf"]


def test_production_refuses_to_start_without_secret_key(tmp_path: Path) -> None:
    env = PRODUCTION | {"SECRET_KEY": ""}
    result = _tillit(tmp_path, env, "check")
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TILLIT_DEMO": "1"}, "TILLIT_DEMO cannot be used"),
        ({"DOCUMENT_KEYS": ""}, "DOCUMENT_KEYS (or DOCUMENT_KEYS_FILE) must be set"),
        ({"DEBUG": "1"}, "DEBUG must be off"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must be set"),
        ({"TILLIT_ENV": "staging"}, "TILLIT_ENV must be one of"),
        ({"DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL"),
    ],
)
def test_unsafe_or_wrong_configuration_is_refused(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = _tillit(tmp_path, PRODUCTION | env, "check")
    assert result.returncode != 0
    assert message in result.stderr


def test_development_generates_and_keeps_a_secret_key(tmp_path: Path) -> None:
    env = {"TILLIT_ENV": "development", "DATABASE_URL": "sqlite:///:memory:"}
    assert _tillit(tmp_path, env, "check").returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert _tillit(tmp_path, env, "check").returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_a_large_page_cache(tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    database = tmp_path / "t.sqlite3"
    env = {"TILLIT_ENV": "development", "DATABASE_URL": f"sqlite:///{database}"}
    script = (
        "import django; django.setup(); from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]);"
        "c.execute('PRAGMA cache_size'); print(c.fetchone()[0])"
    )
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=clean
        | env
        | {"TILLIT_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tillit.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["wal", "-131072"]
