"""One Chromium for the whole package, a fresh browser context per test, pytest-django's live
server on committed data. Without Chromium (or Playwright) every test here is skipped."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast

import pytest
from django.apps import apps
from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from tillit.e2e.tests.browser import CHROMIUM, LAUNCH_ARGS, VIEWPORT, Visitor, why_not_available

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext
    from pytest_django.live_server_helper import LiveServer

_triggers = importlib.import_module("tillit.audit.migrations.0002_append_only_triggers")


@pytest.fixture(scope="package", autouse=True)
def _browser_available() -> None:
    reason = why_not_available()
    if reason:
        pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright  # here: it may be absent

    # Playwright's synchronous API keeps an event loop running in this thread, which Django
    # takes for async code; the tests' own database calls are synchronous all the same. Only
    # while this package runs, so the rest of the suite keeps Django's check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class _Statements:
    """Enough of a schema editor for the audit log's trigger migration to run its statements."""

    connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


@pytest.fixture
def committed(transactional_db: None) -> Iterator[None]:
    """Real commits, as the live server needs. The audit log's triggers refuse the DELETE with
    which pytest-django empties SQLite after the test: set aside while the log is emptied."""
    yield
    editor = cast(BaseDatabaseSchemaEditor, _Statements())
    _triggers.drop_triggers(apps, editor)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    _triggers.create_triggers(apps, editor)


@pytest.fixture
def visitors(
    chromium: Browser, live_server: LiveServer, committed: None, settings: Any
) -> Iterator[Callable[[], Visitor]]:
    """Make a visitor: a fresh browser context (its own cookies) on the live server."""
    settings.BASE_URL = live_server.url  # links in e-mails lead to the live server
    contexts: list[BrowserContext] = []

    def make() -> Visitor:
        context = chromium.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
        context.set_default_timeout(15_000)
        contexts.append(context)
        return Visitor(page=context.new_page(), base_url=live_server.url)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def visitor(visitors: Callable[[], Visitor]) -> Visitor:
    return visitors()
