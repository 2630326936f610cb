from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tillit.catalogue import services
from tillit.catalogue.oscal import export_oscal, load_oscal_file
from tillit.catalogue.schema import CatalogueData, CatalogueFileError, load_catalogue_file
from tillit.catalogue.selectors import catalogues

LOADERS: dict[str, Callable[[Path], CatalogueData]] = {
    ".yaml": load_catalogue_file,
    ".yml": load_catalogue_file,
    ".json": load_oscal_file,
}


class Command(BaseCommand):
    help = (
        "Requirement catalogues. 'tillit catalogue import FILE ...' imports Tillit YAML or OSCAL "
        "JSON catalogues (--builtin: the ones Tillit ships); 'tillit catalogue export KEY' "
        "writes one as an OSCAL catalog."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="Import catalogue files, all or nothing.")
        importing.add_argument("files", nargs="*", type=Path, metavar="FILE")
        importing.add_argument("--builtin", action="store_true", help="Tillit's own catalogues.")
        exporting = actions.add_parser("export", help="Export a catalogue.")
        exporting.add_argument("key", metavar="KEY")
        exporting.add_argument("--format", choices=["oscal"], default="oscal")
        exporting.add_argument("--version", help="Default: the latest imported version.")
        exporting.add_argument("--output", type=Path, help="Default: standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            files = list(options["files"])
            if options["builtin"]:
                files += sorted(services.BUILTIN_DIR.glob("*.yaml"))
            self._import(files)
        else:
            self._export(options["key"], options["version"], options["output"])

    def _import(self, files: list[Path]) -> None:
        if not files:
            raise CommandError("Nothing to import: name catalogue files or use --builtin.")
        loaded, problems = [], []
        for path in files:
            try:
                loaded.append((path, _load(path)))
            except CatalogueFileError as exc:
                problems += exc.problems
        lines = []
        # One transaction for all files: a problem in any of them imports none of them.
        with transaction.atomic():
            for path, data in [] if problems else loaded:
                try:
                    _catalogue, created = services.catalogue_import(data=data)
                except ValidationError as exc:
                    problems += [f"{path.name}: {message}" for message in exc.messages]
                    continue
                lines.append(
                    f"imported {data.key} {data.version}: {len(data.requirements)} requirements"
                    if created
                    else f"unchanged {data.key} {data.version}"
                )
            if problems:
                raise CommandError("Nothing was imported:\n" + "\n".join(problems))
        for line in lines:
            self.stdout.write(line)

    def _export(self, key: str, version: str | None, output: Path | None) -> None:
        found = catalogues().filter(key=key)
        if version:
            found = found.filter(version=version)
        catalogue = found.first()
        if catalogue is None:
            wanted = f"{key} version {version}" if version else key
            raise CommandError(f"No catalogue {wanted} has been imported.")
        text = json.dumps(export_oscal(catalogue), indent=2, ensure_ascii=False) + "\n"
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc}") from None
        self.stdout.write(f"exported {catalogue.key} {catalogue.version} to {output}")


def _load(path: Path) -> CatalogueData:
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise CatalogueFileError(
            [f"{path.name}: unknown file type: use .yaml or .yml (Tillit) or .json (OSCAL)"]
        )
    return loader(path)
