from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tillit.incidents.impact import impact
from tillit.incidents.selectors import supplier_by_identifier


class Command(BaseCommand):
    help = "Incidents: `impact` shows whom an incident at a supplier would hit, instance-wide."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("impact", help="Who is hit, through sub-processors too.")
        run.add_argument(
            "--supplier", required=True, help="Organisationsnummer (or foreign reg. no)."
        )
        run.add_argument(
            "--aware-at", help="When the organisations became aware (ISO 8601); default now."
        )
        run.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        supplier = supplier_by_identifier(options["supplier"])
        if supplier is None:
            raise CommandError(f"Unknown supplier: {options['supplier']}")
        aware_at = timezone.now()
        if options["aware_at"]:
            try:
                aware_at = dt.datetime.fromisoformat(options["aware_at"])
            except ValueError:
                raise CommandError(f"Not an ISO 8601 time: {options['aware_at']}") from None
            if timezone.is_naive(aware_at):
                aware_at = timezone.make_aware(aware_at)  # Stockholm time
        found = impact(supplier)
        if options["json"]:
            self.stdout.write(json.dumps(found.as_json(aware_at), ensure_ascii=False, indent=2))
            return
        totals = found.totals
        self.stdout.write(
            f"{supplier.name} ({supplier.identifier}): {totals['organisations']} organisations, "
            f"{totals['systems']} systems, {totals['data_subjects']} data subjects, "
            f"{totals['organisations_with_protected_identities']} with protected identities"
        )
        for affected in found.organisations:
            self.stdout.write(
                f"  {affected.name} ({affected.orgnr}) via {' → '.join(affected.path)}: "
                f"{len(affected.systems)} systems, {affected.data_subjects} data subjects"
            )
