# ruff: noqa: N999 (the command is `tillit import`, and Django finds a command by its module name)
from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tillit.imports.kinds import KINDS
from tillit.imports.parsing import MAX_BYTES
from tillit.imports.services import ImportResult, import_file
from tillit.lib.orgnr import normalise_orgnr
from tillit.organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Import organisations, suppliers, systems, contracts or sub-processors from a CSV or "
        "XLSX file: every row or none. The formats are described in docs/import-formats.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(KINDS), metavar="KIND", help=", ".join(KINDS))
        parser.add_argument("file", type=Path, metavar="FILE")
        parser.add_argument(
            "--organisation",
            metavar="ORGNR",
            help="Import into this organisation: every row's organisation_orgnr must be its own.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and count, write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind, path = options["kind"], options["file"]
        organisation = None
        if options["organisation"]:
            if KINDS[kind].operator_only:
                raise CommandError(f"--organisation does not apply to {kind}.")
            organisation = _organisation(options["organisation"])
        try:
            with path.open("rb") as file:
                # One byte more than allowed is enough to tell that the file is too large.
                content = file.read(MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        result = import_file(
            kind=kind,
            content=content,
            filename=path.name,
            acting_user=None,
            organisation=organisation,
            dry_run=options["dry_run"],
        )
        if not result.ok:
            problems = "\n".join(str(problem) for problem in result.errors)
            raise CommandError(f"Nothing was imported:\n{problems}")
        self.stdout.write(_summary(result))


def _organisation(value: str) -> Organisation:
    try:
        orgnr = normalise_orgnr(value)
    except ValidationError as exc:
        raise CommandError(f"--organisation: {' '.join(exc.messages)}") from None
    organisation = Organisation.objects.filter(orgnr=orgnr).first()
    if organisation is None:
        raise CommandError(f"--organisation: no organisation {orgnr} is registered.")
    return organisation


def _summary(result: ImportResult) -> str:
    counts = (
        f"{result.kind}: {result.rows} rows, {result.created} created, "
        f"{result.updated} updated, {result.unchanged} unchanged"
    )
    return f"{counts} (dry run: nothing was written)" if result.dry_run else counts
