from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from tillit.bench.database import bench_database, bench_settings
from tillit.bench.report import as_json, summary, table
from tillit.bench.runner import run_bench
from tillit.bench.scales import SCALES

DEFAULT_SEED = 2025


class Command(BaseCommand):
    help = (
        "Build a synthetic instance (small or national scale) in a database of its own and time "
        "the operations that matter against it. See docs/benchmarks.md."
    )
    # The configured database is not used at all, so it is not checked either.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=list(SCALES), default="small")
        parser.add_argument(
            "--database-url",
            metavar="URL",
            help="Run on this server, in a database of its own: NAME_bench on PostgreSQL, "
            "FILE-bench.sqlite3 beside an SQLite file. Default: var/bench.sqlite3.",
        )
        parser.add_argument("--json", type=Path, metavar="FILE", help="Also write JSON here.")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--repeat", type=int, metavar="N", help="Timed runs per operation (default: per scale)."
        )
        parser.add_argument(
            "--keep", action="store_true", help="Keep the bench database (to study query plans)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale = SCALES[options["scale"]]
        database = bench_settings(options["database_url"], Path(settings.VAR_DIR))
        started = time.perf_counter()
        with bench_database(database, keep=options["keep"]) as name:
            self._progress(
                f"bench database {name}, migrated in {time.perf_counter() - started:.1f} s"
            )
            # The pages are requested as a browser would be served: no DEBUG query log, and
            # the test client's host allowed.
            hosts = [*settings.ALLOWED_HOSTS, "testserver"]
            with override_settings(DEBUG=False, ALLOWED_HOSTS=hosts):
                result = run_bench(
                    scale, seed=options["seed"], repeats=options["repeat"], progress=self._progress
                )
            # Written while the bench database is still there: the report names its version.
            self.stdout.write(summary(result) + "\n\n" + table(result))
            if options["json"]:
                text = json.dumps(as_json(result), indent=2, ensure_ascii=False)
                options["json"].write_text(text + "\n")
        if options["keep"]:
            self._progress(f"kept {name}")
        wrong = [m.operation.key for m in result.measurements if not m.outcome.ok]
        if wrong:
            raise CommandError(f"wrong results: {', '.join(wrong)}")

    def _progress(self, message: str) -> None:
        self.stderr.write(message)
        sys.stderr.flush()
