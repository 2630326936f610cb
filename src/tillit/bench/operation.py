"""What an operation is, its budget, and the budgets of issue 11.

An operation's run() is what is timed; check() looks at the last result afterwards (untimed)
and says whether it was the right kind of result: HTTP 200 with the expected number of rows, a
document of the right type, the same contracts by both closure queries, every import row
created. setup() (untimed) makes the state a run starts from, and reset() (untimed) undoes what
a run wrote, so every run does the same work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.test import Client


@dataclass(frozen=True)
class Budget:
    seconds: float
    # A page's number of queries must not grow with the data: the largest organisation's page
    # may cost no more queries than a median organisation's.
    constant_queries: bool = False
    # At most this many times the median of the operation's floor (Operation.floor).
    floor_ratio: float | None = None

    def __str__(self) -> str:
        limit = f"≤ {self.seconds * 1000:.0f} ms" if self.seconds < 1 else f"≤ {self.seconds:g} s"
        if self.constant_queries:
            limit += ", constant queries"
        if self.floor_ratio:
            limit += f", ≤ {self.floor_ratio:g}x the floor"
        return limit


@dataclass(frozen=True)
class Outcome:
    ok: bool
    detail: str


@dataclass
class Operation:
    key: str
    title: str
    run: Callable[[], Any]
    check: Callable[[Any], Outcome]
    repeats: int
    budget: Budget | None = None
    warmup: bool = True
    setup: Callable[[], None] | None = None
    reset: Callable[[], None] | None = None
    # The same operation for a median organisation, run once to compare query counts.
    median: Callable[[], Any] | None = None
    # The key of the operation this one is compared with (the hand-written floor).
    floor: str | None = None


PAGE_BUDGET = Budget(0.150, constant_queries=True)
IMPACT_BUDGET = Budget(0.200, floor_ratio=3)
ANNEX_BUDGET = Budget(2.0)
IMPORT_BUDGET = Budget(30.0)


def get(client: Client, url: str) -> Callable[[], Any]:
    # secure=True: in production mode Tillit redirects plain HTTP to HTTPS.
    return lambda: client.get(url, secure=True)
