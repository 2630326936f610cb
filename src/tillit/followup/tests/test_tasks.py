"""The scheduler's tick, and a real worker running it from the database queue."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tillit.followup.models import Run
from tillit.followup.tasks import daily_pass_due, tick
from tillit.testing import make_contract, make_organisation, sqlite_index_statistics

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_the_daily_pass_is_due_once_a_day_from_the_sending_hour(settings: Any) -> None:
    settings.FOLLOWUP_SEND_HOUR = 7
    early = dt.datetime(2027, 3, 28, 6, 59, tzinfo=STOCKHOLM)
    later = dt.datetime(2027, 3, 28, 7, 0, tzinfo=STOCKHOLM)
    assert not daily_pass_due(early)
    assert daily_pass_due(later)
    Run.objects.create(day=dt.date(2027, 3, 28), daily=True, finished_at=later)
    assert not daily_pass_due(later)
    # 28 March 2027 is the switch to summer time: 05:30 UTC is already 07:30 in Stockholm.
    assert daily_pass_due(dt.datetime(2027, 3, 29, 5, 30, tzinfo=dt.UTC))
    assert not daily_pass_due(dt.datetime(2027, 3, 29, 4, 30, tzinfo=dt.UTC))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner statistics")
def test_the_tick_refreshes_sqlite_planner_statistics() -> None:
    for _number in range(3):
        make_contract(make_organisation())
    tick.call()
    # Three contracts, each of another organisation and supplier.
    assert sqlite_index_statistics("contract_org_supplier_idx") == "3 1 1"


# The worker closes obsolete connections between tasks, as in production: the test's own
# connection must not be inside the test's transaction then (on PostgreSQL it would be closed).
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_tick_from_the_database_queue(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("scheduler", "--once")
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay")
    result = DBTaskResult.objects.get()
    assert result.status == "SUCCESSFUL"
    assert Run.objects.count() == 1
