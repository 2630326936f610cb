"""The benchmark's results as a table for people and as JSON for machines."""

from __future__ import annotations

import os
import platform
import sqlite3
from typing import Any

from django.db import connection

from tillit.bench.runner import REFERENCE_ADDITIONS, Measurement, Result


def duration(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def verdict(measurement: Measurement) -> str:
    passed = measurement.passed
    return "–" if passed is None else "pass" if passed else "FAIL"


def queries(measurement: Measurement) -> str:
    low, high = min(measurement.queries), max(measurement.queries)
    text = str(high) if low == high else f"{low}–{high}"
    if measurement.median_queries is not None:
        text += f" (median org {measurement.median_queries})"
    return text


def note(result: Result, measurement: Measurement) -> str:
    parts = [measurement.outcome.detail]
    if measurement.floor_ratio is not None:
        parts.append(f"{measurement.floor_ratio:.1f}x the floor")
    if not measurement.outcome.ok:
        parts.append("WRONG RESULT")
    return "; ".join(parts)


def table(result: Result) -> str:
    header = ("operation", "runs", "median", "p95", "queries", "budget", "result", "cpu", "notes")
    rows = [
        (
            m.operation.title,
            str(len(m.seconds)),
            duration(m.median),
            duration(m.p95),
            queries(m),
            str(m.operation.budget or "–"),
            verdict(m),
            "–" if m.cpu is None else f"{m.cpu:.2f} s",
            note(result, m),
        )
        for m in result.measurements
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]

    def line(row: tuple[str, ...]) -> str:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        return "  ".join([*cells, row[-1]]).rstrip()

    return "\n".join([line(header), *(line(row) for row in rows)])


def summary(result: Result) -> str:
    ds = result.dataset
    total = sum(ds.seconds.values())
    rows = ", ".join(f"{table}: {count:,}" for table, count in sorted(ds.rows.items()))
    largest = ds.largest
    return "\n".join(
        [
            f"scale {result.scale.name}, seed {result.seed}, {database()}",
            f"generated in {total:.1f} s: {rows}",
            f"largest organisation: {largest.name}, {len(largest.assets):,} systems, "
            f"{largest.contracts:,} contracts, {len(largest.suppliers):,} suppliers; "
            f"median organisation: {ds.median.name}, {len(ds.median.assets):,} systems",
            "load average (1 min) when timing started and ended: "
            + ", ".join(f"{load:.2f}" for load in result.load)
            + f" on {os.cpu_count()} CPUs",
            f"{REFERENCE_ADDITIONS:,} additions in Python (the CPU's speed) when timing started "
            "and ended: " + ", ".join(f"{seconds:.2f} s" for seconds in result.reference),
            "(and, from a fifth of them, just before each operation: column cpu)",
        ]
    )


def database() -> str:
    if connection.vendor == "postgresql":
        version = connection.cursor().connection.info.server_version
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    return f"{connection.vendor} {sqlite3.sqlite_version}"


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            names = [line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line]
        info["cpu"] = names[0] if names else platform.processor()
        with open("/proc/meminfo") as meminfo:
            total = next(line for line in meminfo if line.startswith("MemTotal"))
        info["memory_gib"] = round(int(total.split()[1]) / 1024**2, 1)
    except (OSError, StopIteration):
        pass  # not Linux: the rest still describes the machine
    return info


def as_json(result: Result) -> dict[str, Any]:
    ds = result.dataset
    return {
        "scale": result.scale.name,
        "seed": result.seed,
        "database": database(),
        "machine": machine(),
        "load_average": result.load,
        "reference_seconds": result.reference,
        "generation": {
            "seconds": {stage: round(seconds, 3) for stage, seconds in ds.seconds.items()},
            "rows": dict(sorted(ds.rows.items())),
        },
        "operations": [
            {
                "key": m.operation.key,
                "title": m.operation.title,
                "runs": len(m.seconds),
                "seconds": [round(s, 6) for s in m.seconds],
                "median": round(m.median, 6),
                "p95": round(m.p95, 6),
                "queries": m.queries,
                "median_organisation_queries": m.median_queries,
                "budget_seconds": m.operation.budget.seconds if m.operation.budget else None,
                "passed": m.passed,
                "result_ok": m.outcome.ok,
                "result": m.outcome.detail,
                "floor": m.operation.floor,
                "floor_ratio": None if m.floor_ratio is None else round(m.floor_ratio, 2),
                "reference_seconds": None if m.cpu is None else round(m.cpu, 3),
            }
            for m in result.measurements
        ],
    }
