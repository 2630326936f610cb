"""Faults to inject: a database error in the middle of a write, and a worker killed mid-task."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from django.db import connection

T = TypeVar("T")


class Killed(BaseException):
    """The worker process killed mid-task: like a real kill, no `except Exception` stops it."""


def database_error(*args: Any, **kwargs: Any) -> NoReturn:
    """A real error from the database, in the middle of the transaction, as a lost connection,
    a full disk or a deadlock gives one: a query it refuses (on PostgreSQL the transaction is
    then aborted, and only a rollback can follow)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM tillit_injected_fault")
    raise AssertionError("the database took a query it cannot")


def failing_on(call: int, original: Callable[..., T]) -> Callable[..., T]:
    """original, except that its call-th call fails in the database instead of running."""
    calls = 0

    def wrapper(*args: Any, **kwargs: Any) -> T:
        nonlocal calls
        calls += 1
        if calls == call:
            database_error()
        return original(*args, **kwargs)

    return wrapper
