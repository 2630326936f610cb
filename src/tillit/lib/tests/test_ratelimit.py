from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from tillit.lib.ratelimit import allow, forget_expired
from tillit.web.models import RequestCount

pytestmark = pytest.mark.django_db


def test_allows_up_to_the_limit_per_window() -> None:
    with mock.patch("tillit.lib.ratelimit.time") as clock:
        clock.time.return_value = 1000.0
        assert [allow("test:a", 3, 60) for _ in range(4)] == [True, True, True, False]
        assert allow("test:b", 3, 60)  # another key counts apart
        assert allow("test:a", 3, 120)  # and another window length
        clock.time.return_value = 1060.0
        assert allow("test:a", 3, 60)  # a new window


def test_each_request_costs_one_statement() -> None:
    with CaptureQueriesContext(connection) as queries:
        allow("test:c", 3, 60)  # the window's first
        allow("test:c", 3, 60)
    assert len(queries) == 2


def test_ended_windows_are_forgotten() -> None:
    with mock.patch("tillit.lib.ratelimit.time") as clock:
        clock.time.return_value = 1000.0  # long ago: the window ended at 1020
        allow("test:old", 3, 60)
    allow("test:now", 3, 60)
    assert forget_expired() == 1
    assert list(RequestCount.objects.values_list("count", flat=True)) == [1]


@pytest.mark.django_db(transaction=True)
def test_requests_at_the_same_time_are_all_counted() -> None:
    """Several web processes in production, on PostgreSQL. (The SQLite test database is shared
    in memory between threads, where a second writer fails at once instead of waiting.)"""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are PostgreSQL's")

    def request(_number: int) -> bool:
        try:
            return allow("test:burst", 10, 3600)
        finally:
            connections.close_all()

    with mock.patch("tillit.lib.ratelimit.time") as clock, ThreadPoolExecutor(8) as pool:
        clock.time.return_value = 1000.0
        allowed = list(pool.map(request, range(40)))
    assert allowed.count(True) == 10
    assert RequestCount.objects.get().count == 40
