"""The synthetic instance the benchmark runs on.

Organisations of every kind with skewed sizes (one much larger than the rest), suppliers in
five tiers whose sub-processor links run downwards, so chains are up to four links deep and a
few cloud providers sit under most of them; assets with a classification each; contracts with
processor agreements and data locations; certificates; one supplier contracted by most
municipalities; a procurement; one member to sign in as.

Deterministic: every value, ids included, comes from one random.Random(seed), so a seed always
builds the same data. Rows go in with imports.bulk (one executemany per batch of BATCH rows)
inside one transaction. The build is a list of stages, each timed, kept by topic (plan.py holds
what they share); a feature the benchmark should cover later becomes one more stage in its
topic's STAGES.
"""

from __future__ import annotations

import random
import time

from django.db import connection, transaction

from tillit.bench.dataset import assessments, contracts, organisations
from tillit.bench.dataset.contracts import import_rows
from tillit.bench.dataset.plan import EPOCH, Dataset, OrgPlan, Stage, SupplierPlan
from tillit.bench.scales import Scale
from tillit.lib.planner import refresh_statistics

__all__ = ["EPOCH", "STAGES", "Dataset", "OrgPlan", "SupplierPlan", "build", "import_rows"]

STAGES: list[tuple[str, Stage]] = [*organisations.STAGES, *contracts.STAGES, *assessments.STAGES]


def build(scale: Scale, seed: int) -> Dataset:
    """Write the dataset into the default database, which should hold nothing else."""
    # A seeded generator is the point here: the same seed builds the same data.
    ds = Dataset(scale=scale, seed=seed, rng=random.Random(seed))  # noqa: S311
    with transaction.atomic():
        for name, stage in STAGES:
            started = time.perf_counter()
            stage(ds)
            ds.seconds[name] = time.perf_counter() - started
    # The planner's statistics, as they would be by the time anyone asks: on PostgreSQL what
    # autovacuum would have gathered, on SQLite what the follow-up tick would have.
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        refresh_statistics()
    ds.seconds["analyze"] = time.perf_counter() - started
    return ds
