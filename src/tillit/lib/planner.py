"""The query planner's statistics on SQLite, which SQLite never gathers by itself.

Without them SQLite guesses how many rows an index narrows a search to, and can guess wrong:
for a page of the processing register it read all 5,902 contracts of the largest organisation
in the benchmark to find the few that serve ten systems (57 ms), where with statistics it looks
them up by system (0.8 ms). PostgreSQL's autovacuum keeps its own statistics up to date; on
SQLite the follow-up tick refreshes them (followup.tasks.tick), every few minutes, and an
import as it writes its rows (imports.services).
"""

from __future__ import annotations

from django.db import connection

# Rows ANALYZE reads of each index (SQLite's advice is 100 to 1000): at national scale it
# then takes some 15 ms rather than half a second, and the plans chosen are the same.
ANALYSIS_LIMIT = 1000


def refresh_statistics() -> None:
    """On SQLite, ANALYZE (a sample of each index); nothing on PostgreSQL."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
