"""Build the dataset, run every operation, measure: wall time per run and SQL statements per
run (an executemany counts once), median and 95th percentile, budget passed or not."""

from __future__ import annotations

import gc
import math
import os
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from tillit.bench.dataset import Dataset, build
from tillit.bench.operation import Operation, Outcome
from tillit.bench.operations import operations
from tillit.bench.scales import Scale
from tillit.lib.collector import serve_requests

Progress = Callable[[str], None]


@dataclass
class Measurement:
    operation: Operation
    seconds: list[float]
    queries: list[int]
    outcome: Outcome
    last: Any = None  # the last run's result, for tests
    median_queries: int | None = None  # the same operation for a median organisation
    floor_median: float | None = None  # the median of the operation's floor, if it has one
    cpu: float | None = None  # reference_seconds() just before the operation was timed

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        """Nearest rank: with fewer than 20 runs, the slowest."""
        ordered = sorted(self.seconds)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]

    @property
    def constant_queries(self) -> bool | None:
        if self.median_queries is None:
            return None
        return max(self.queries) <= self.median_queries

    @property
    def passed(self) -> bool | None:
        """Whether the budget holds (None without one). Judged on the 95th percentile."""
        budget = self.operation.budget
        if budget is None:
            return None
        return (
            self.p95 <= budget.seconds
            and (not budget.constant_queries or bool(self.constant_queries))
            and (budget.floor_ratio is None or (self.floor_ratio or 0) <= budget.floor_ratio)
        )

    @property
    def floor_ratio(self) -> float | None:
        """How many times the floor's median this operation's median is."""
        if self.floor_median is None:
            return None
        return self.median / self.floor_median


@dataclass
class Result:
    scale: Scale
    seed: int
    dataset: Dataset
    measurements: list[Measurement] = field(default_factory=list)
    # The one-minute load average when timing started and ended: anything else running on the
    # machine shows here (and in the times).
    load: list[float] = field(default_factory=list)
    # The same fixed piece of Python timed then too: a virtual machine's CPU can be a third
    # slower one hour than the next, with nothing else running on it.
    reference: list[float] = field(default_factory=list)

    def measurement(self, key: str) -> Measurement:
        return next(m for m in self.measurements if m.operation.key == key)


@contextmanager
def counting() -> Iterator[list[int]]:
    """Count the SQL statements sent to the default database inside the block."""
    count = [0]

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield count


# An operation that has taken this long in all is not run again after its third run: a slow
# one (seconds a run at national scale) says what it has to say in three.
TIME_CAP = 60.0
MIN_RUNS = 3


def measure(operations: Sequence[Operation], repeats: int, warmup: bool) -> list[Measurement]:
    """Each operation's measurement (usually of one), their runs taken in turn (the first
    first, then the last first, and so on): an operation and its floor are timed at the same
    moments, so their ratio compares them at one speed of a CPU that can be a third slower one
    minute than the next."""
    if warmup:
        for operation in operations:
            if operation.warmup:
                operation.run()
                if operation.reset:
                    operation.reset()
    seconds: list[list[float]] = [[] for _operation in operations]
    queries: list[list[int]] = [[] for _operation in operations]
    results: list[Any] = [None for _operation in operations]
    for run in range(repeats):
        order = list(enumerate(operations))
        for index, operation in order if run % 2 == 0 else reversed(order):
            if operation.setup:
                operation.setup()
            with counting() as count:
                started = time.perf_counter()
                results[index] = operation.run()
                seconds[index].append(time.perf_counter() - started)
            queries[index].append(count[0])
            if operation.reset:
                operation.reset()
        if run + 1 >= MIN_RUNS and sum(map(sum, seconds)) > TIME_CAP:
            break
    measurements = []
    for index, operation in enumerate(operations):
        result = results[index]
        measurement = Measurement(
            operation, seconds[index], queries[index], operation.check(result), result
        )
        if operation.median is not None:
            operation.median()  # warmed up as the operation was (the stored plan up to date)
            with counting() as count:
                operation.median()
            measurement.median_queries = count[0]
        measurements.append(measurement)
    return measurements


REFERENCE_ADDITIONS = 5_000_000


def reference_seconds(additions: int = REFERENCE_ADDITIONS) -> float:
    """Seconds this machine takes to add up five million numbers in Python, timed on as many
    additions as given (before each operation a fifth: the whole loop would add seconds)."""
    started = time.perf_counter()
    total = 0
    for number in range(additions):
        total += number
    return (time.perf_counter() - started) * REFERENCE_ADDITIONS / additions


def run_bench(
    scale: Scale,
    *,
    seed: int,
    repeats: int | None = None,
    progress: Progress = lambda _message: None,
) -> Result:
    """Build the dataset in the default database (which should be empty) and measure."""
    progress(f"building the {scale.name} dataset (seed {seed})")
    dataset = build(scale, seed)
    for stage, seconds in dataset.seconds.items():
        progress(f"  {stage}: {seconds:.1f} s")
    result = Result(scale=scale, seed=seed, dataset=dataset)
    thresholds = gc.get_threshold()
    try:
        result.load.append(os.getloadavg()[0])
        result.reference.append(reference_seconds())
        listed = {operation.key: operation for operation in operations(dataset)}
        floors = {operation.floor for operation in listed.values() if operation.floor}
        for operation in listed.values():
            if operation.key in floors:
                continue  # timed with the operation it is the floor of
            together = [operation]
            if operation.floor:
                together.append(listed[operation.floor])
            runs = repeats or min(min(o.repeats for o in together), scale.max_repeats)
            progress(f"timing {' with '.join(o.key for o in together)} ({runs} runs)")
            # The collector as in a web process (tillit/wsgi.py). What the bench itself holds
            # (its plan of the dataset, millions of objects at national scale, and the results
            # of the operations timed so far) is frozen with what is loaded: a web process
            # holds nothing of the kind.
            serve_requests()
            cpu = reference_seconds(REFERENCE_ADDITIONS // 5)
            measured = measure(together, runs, scale.warmup)
            for measurement in measured:
                measurement.cpu = cpu
            if operation.floor:
                measured[0].floor_median = measured[1].median
            result.measurements += measured
        result.load.append(os.getloadavg()[0])
        result.reference.append(reference_seconds())
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
    return result
