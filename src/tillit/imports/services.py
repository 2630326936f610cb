"""Bulk import of a CSV or XLSX file: every row validated, then all rows written or none.

Every row is checked before anything is written and every problem is reported with its row and
column. If there is any, nothing is written; otherwise all rows are written in one transaction,
in bulk, with one audit record for the whole import.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from tillit.accounts.models import User
from tillit.audit.services import audit_record, diff
from tillit.imports.kinds import KINDS
from tillit.imports.kinds.base import Action, Importer, Record, Row
from tillit.imports.parsing import FileRefusedError, Table, read_table
from tillit.imports.problems import Problem
from tillit.lib import planner
from tillit.lib.collector import cycle_collector_paused
from tillit.organisations.models import Organisation


@dataclass
class ImportResult:
    kind: str
    filename: str
    sha256: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_file(
    *,
    kind: str,
    content: bytes,
    filename: str,
    acting_user: User | None,
    organisation: Organisation | None,
    dry_run: bool,
) -> ImportResult:
    """Validate the file and, unless dry_run or it has problems, import every row.

    acting_user None is the command line, which the operator runs. With an organisation, rows
    that name an organisation must name this one.
    """
    importer_class = KINDS.get(kind)
    if importer_class is None:
        raise ValueError(f"Unknown kind of import: {kind}")
    if importer_class.operator_only and acting_user is not None and not acting_user.is_superuser:
        raise PermissionDenied
    if importer_class.operator_only:
        organisation = None
    result = ImportResult(
        kind=kind,
        filename=filename,
        sha256=hashlib.sha256(content).hexdigest(),
        dry_run=dry_run,
    )
    try:
        with cycle_collector_paused():
            table = read_table(content, filename)
    except FileRefusedError as exc:
        result.errors = exc.problems
        return result
    importer = importer_class(organisation=organisation, acting_user=acting_user)
    if dry_run:
        with cycle_collector_paused():
            _validate(importer, table, result)
        return result
    try:
        # Validation runs inside the transaction too, so what it checked cannot change before
        # the rows are written (on SQLite the transaction holds the write lock from its start).
        with transaction.atomic(), cycle_collector_paused():
            records = _validate(importer, table, result)
            if result.ok and result.created + result.updated:
                written = importer.apply(records)
                _audit(result, organisation, acting_user, written)
                # On SQLite the planner's statistics go with the rows: left to the next tick,
                # they would describe the tables as they were before, for some minutes.
                planner.refresh_statistics()
    except IntegrityError:
        result.errors.append(
            Problem(
                None,
                None,
                _("The data changed while the file was imported. Nothing was imported: try again."),
                "conflict",
            )
        )
    return result


def _validate(importer: Importer[Any], table: Table, result: ImportResult) -> list[Record]:
    column_problems = _check_columns(table.headers, importer.columns)
    if column_problems:
        result.errors = column_problems
        return []
    if not table.rows:
        result.errors = [Problem(None, None, _("The file has no rows to import."), "no_rows")]
        return []
    problems: list[Problem] = []
    index = {name: position for position, name in enumerate(table.headers) if name}
    rows = [Row(number, cells, index, problems) for number, cells in table.rows]
    importer.load(rows)
    records = []
    every_column_named = all(table.headers)
    for (_number, cells), row in zip(table.rows, rows, strict=True):
        if len(cells) > len(table.headers) or not every_column_named:
            _check_unnamed_cells(row, table.headers, cells)
        record = importer.validate(row)
        if record is not None:
            records.append(record)
    result.rows = len(rows)
    result.errors = sorted(problems, key=lambda problem: problem.row or 0)
    counts = Counter(record.action for record in records)
    result.created = counts[Action.CREATE]
    result.updated = counts[Action.UPDATE]
    result.unchanged = counts[Action.UNCHANGED]
    return records


def _check_columns(headers: list[str], columns: tuple[str, ...]) -> list[Problem]:
    problems = []
    expected = ", ".join(columns)
    seen: set[str] = set()
    for position, name in enumerate(headers):
        if not name:
            continue
        if name in seen:
            problems.append(
                Problem(1, name, _("The column appears more than once."), "duplicate_column")
            )
        elif name not in columns:
            problems.append(
                Problem(
                    1,
                    name,
                    _("Unknown column (in %(letter)s). The columns are: %(columns)s.")
                    % {"letter": get_column_letter(position + 1), "columns": expected},
                    "unknown_column",
                )
            )
        seen.add(name)
    problems += [
        Problem(
            1,
            column,
            _("The column is missing. The columns are: %(columns)s.") % {"columns": expected},
            "missing_column",
        )
        for column in columns
        if column not in seen
    ]
    return problems


def _check_unnamed_cells(row: Row, headers: list[str], cells: list[str]) -> None:
    for position, value in enumerate(cells):
        if value and (position >= len(headers) or not headers[position]):
            row.error(
                get_column_letter(position + 1),
                _("The cell is outside every column: row 1 has no column name above it."),
                "unnamed_cell",
            )


def _audit(
    result: ImportResult,
    organisation: Organisation | None,
    acting_user: User | None,
    written: models.Model | None,
) -> None:
    """One record for the whole import, not one per row: the file's hash says what it held."""
    obj = organisation or written
    if obj is None:
        return
    audit_record(
        actor=acting_user,
        organisation_id=organisation.id if organisation else None,
        action=f"import.{result.kind}",
        obj=obj,
        changes=diff(
            {},
            {
                "file": result.filename,
                "sha256": result.sha256,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
            },
        ),
    )
