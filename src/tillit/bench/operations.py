"""The operations the benchmark times (more in pages.py), each with its budget and a check of
its result (see operation.py): the supplier list and processing register pages, "who is hit"
by Tillit's code and by hand-written SQL, the procurement annexes and the imports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tillit.accounts.models import User
from tillit.bench.closure import (
    IMPACT_COLUMNS,
    contracts_depending_on,
    contracts_depending_on_sql,
    impact_sql,
)
from tillit.bench.dataset import Dataset, OrgPlan, SupplierPlan, import_rows
from tillit.bench.operation import (
    ANNEX_BUDGET,
    IMPACT_BUDGET,
    IMPORT_BUDGET,
    PAGE_BUDGET,
    Operation,
    Outcome,
    get,
)
from tillit.bench.pages import api_lists, management_report, overview_pages, questionnaire
from tillit.classification.models import Asset
from tillit.imports.services import ImportResult, import_file
from tillit.incidents.impact import Impact, impact
from tillit.procurement.models import AnnexPdf
from tillit.procurement.tasks import prepare_annex
from tillit.suppliers.models import (
    Contract,
    DataLocation,
    ProcessorAgreement,
    Supplier,
    SupplierRelation,
)
from tillit.suppliers.views import register as register_views
from tillit.suppliers.views import suppliers as supplier_views

ASSET_ID = IMPACT_COLUMNS.index(("a", Asset, "id"))
UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def operations(ds: Dataset) -> list[Operation]:
    user = User.objects.get(pk=ds.user_id)
    client = Client()
    client.force_login(user)
    found = _Closures()
    # Made first: their API tokens are audited writes, after which the stored follow-up plans
    # would be out of date; overview_pages() brings them up to date.
    apis = api_lists(ds, user)
    return [
        *_pages(ds, client),
        *overview_pages(ds, client),
        *apis,
        *_closure(ds.widest_supplier, "widest", found),
        *_closure(ds.big_supplier, "big", found),
        questionnaire(ds, user),
        *_annexes(ds, client),
        management_report(ds, user),
        *_imports(ds),
    ]


def _count_links(prefix: str, expected: int) -> Callable[[HttpResponse], Outcome]:
    """A page's check: HTTP 200 and links to `expected` distinct objects under prefix."""
    pattern = re.compile(re.escape(prefix) + UUID_PATTERN + "/")

    def check(response: HttpResponse) -> Outcome:
        content = response.content.decode()
        found = len(set(pattern.findall(content)))
        rows = content.count("<tr") - 1  # the header's
        return Outcome(
            response.status_code == 200 and found == expected,
            f"HTTP {response.status_code}, {found} objects (expected {expected}) "
            f"in {rows} table rows, {len(content) / 1024:.0f} KB",
        )

    return check


def _pages(ds: Dataset, client: Client) -> list[Operation]:
    def supplier_list(org: OrgPlan) -> str:
        return reverse("supplier-list", args=[org.slug])

    def register(org: OrgPlan) -> str:
        return reverse("processing-register", args=[org.slug])

    largest, median = ds.largest, ds.median
    return [
        Operation(
            key="supplier_list",
            title=f"supplier list page ({largest.name}, {len(largest.suppliers)} suppliers)",
            run=get(client, supplier_list(largest)),
            check=_count_links(
                supplier_list(largest), min(supplier_views.PAGE_SIZE, len(largest.suppliers))
            ),
            repeats=20,
            budget=PAGE_BUDGET,
            median=get(client, supplier_list(median)),
        ),
        Operation(
            key="processing_register",
            title=f"processing register page ({largest.name}, "
            f"{sum(largest.personal)} systems with personal data)",
            run=get(client, register(largest)),
            check=_count_links(
                reverse("asset-list", args=[largest.slug]),
                min(register_views.PAGE_SIZE, sum(largest.personal)),
            ),
            repeats=20,
            budget=PAGE_BUDGET,
            median=get(client, register(median)),
        ),
    ]


class _Closures:
    """Each closure query's result, remembered for the checks of the others."""

    def __init__(self) -> None:
        self.floor: dict[str, set[Any]] = {}
        self.orm: dict[str, set[Any]] = {}
        self.organisations: dict[str, int] = {}
        self.systems: dict[str, int] = {}  # as impact() counted them

    def of(self, key: str, supplier: Supplier) -> set[Any]:
        if key not in self.floor:
            self.floor[key] = set(contracts_depending_on_sql(supplier))
            self.orm[key] = set(contracts_depending_on(supplier))
            self.organisations[key] = (
                Contract.objects.filter(pk__in=list(self.floor[key]))
                .values("organisation_id")
                .distinct()
                .count()
            )
        return self.floor[key]


def _closure(plan: SupplierPlan, label: str, found: _Closures) -> list[Operation]:
    """The look-up under "who is hit" by the ORM and by one CTE, then the whole of impact() and
    its floor. The budget is for the big supplier, the one most organisations contract (the
    widest, a cloud provider under most chains, reaches most of the instance: no budget)."""
    supplier = Supplier.objects.get(pk=plan.id)
    name = f"{supplier.name}, {label}"

    def same_contracts(result: list[Any]) -> Outcome:
        floor = found.of(label, supplier)
        ok = set(result) == floor and found.orm[label] == floor and len(result) == len(floor)
        return Outcome(ok, f"{len(result)} contracts" + ("" if ok else " (the two differ)"))

    def every_organisation(result: Impact) -> Outcome:
        found.of(label, supplier)
        expected = found.organisations[label]
        hit = len(result.organisations)
        systems = result.totals["systems"]
        found.systems[label] = systems
        return Outcome(
            hit == expected, f"{hit} organisations (expected {expected}), {systems} systems"
        )

    def same_facts(rows: list[tuple[Any, ...]]) -> Outcome:
        found.of(label, supplier)
        organisations = {row[0] for row in rows}
        systems = len({(row[0], row[ASSET_ID]) for row in rows if row[ASSET_ID] is not None})
        expected = found.organisations[label]
        ok = len(organisations) == expected and systems == found.systems.get(label, systems)
        return Outcome(
            ok, f"{len(rows)} rows, {len(organisations)} organisations, {systems} systems"
        )

    return [
        Operation(
            key=f"closure_orm_{label}",
            title=f"contracts depending on a supplier, ORM ({name})",
            run=lambda: contracts_depending_on(supplier),
            check=same_contracts,
            repeats=10,
            floor=f"closure_sql_{label}",
        ),
        Operation(
            key=f"closure_sql_{label}",
            title=f"the same, one recursive CTE ({name})",
            run=lambda: contracts_depending_on_sql(supplier),
            check=same_contracts,
            repeats=10,
        ),
        Operation(
            key=f"impact_{label}",
            title=f"who is hit, incidents.impact.impact() ({name})",
            run=lambda: impact(supplier),
            check=every_organisation,
            repeats=10,
            budget=IMPACT_BUDGET if label == "big" else None,
            floor=f"impact_sql_{label}",
        ),
        Operation(
            key=f"impact_sql_{label}",
            title=f"the same facts, one hand-written query ({name})",
            run=lambda: impact_sql(supplier),
            check=same_facts,
            repeats=10,
        ),
    ]


def _annexes(ds: Dataset, client: Client) -> list[Operation]:
    """The annex downloads. A PDF is kept once laid out, by the worker after each change to the
    procurement or by the first download: the officer's download after an edit finds it laid
    out. Laid out anew (the kept copy dropped first) is what a download costs when the annex
    has changed since, without the worker having laid it out."""

    def annex(fmt: str, magic: bytes, title: str, **options: Any) -> Operation:
        url = reverse("annex-download", args=[ds.largest.slug, ds.procurement_id, fmt])

        def check(response: HttpResponse) -> Outcome:
            ok = response.status_code == 200 and response.content.startswith(magic)
            size = len(response.content) / 1024
            return Outcome(ok, f"HTTP {response.status_code}, {fmt.upper()}, {size:.0f} KB")

        return Operation(
            title=f"procurement annex, {title}", run=get(client, url), check=check, **options
        )

    def drop_kept_copy() -> None:
        AnnexPdf.objects.filter(procurement_id=ds.procurement_id).delete()

    return [
        annex(
            "docx", b"PK", "DOCX (full request)", key="annex_docx", repeats=5, budget=ANNEX_BUDGET
        ),
        annex(
            "pdf",
            b"%PDF",
            "PDF, laid out by the worker (full request)",
            key="annex_pdf",
            repeats=5,
            budget=ANNEX_BUDGET,
            setup=lambda: prepare_annex.call(ds.procurement_id),
        ),
        annex(
            "pdf",
            b"%PDF",
            "PDF, laid out in the request (full request)",
            key="annex_pdf_layout",
            repeats=5,
            setup=drop_kept_copy,
        ),
    ]


def _imports(ds: Dataset) -> list[Operation]:
    rows = import_rows(ds, ds.scale.import_rows)
    since = timezone.now()

    def importer(filename: str, content: bytes) -> Callable[[], ImportResult]:
        return lambda: import_file(
            kind="contracts",
            content=content,
            filename=filename,
            acting_user=None,
            organisation=None,
            dry_run=False,
        )

    def check(result: ImportResult) -> Outcome:
        expected = len(rows) - 1
        ok = result.ok and result.created == expected
        problems = f", {len(result.errors)} problems" if result.errors else ""
        return Outcome(ok, f"{result.created} of {expected} rows created{problems}")

    def imported(fmt: str, content: bytes) -> Operation:
        return Operation(
            key=f"import_{fmt}",
            title=f"import of {len(rows) - 1:,} contract rows, {fmt.upper()}",
            run=importer(f"bench.{fmt}", content),
            check=check,
            repeats=3,
            budget=IMPORT_BUDGET,
            warmup=False,
            reset=lambda: remove_imported(since),
        )

    return [imported("csv", csv_bytes(rows)), imported("xlsx", xlsx_bytes(rows))]


def remove_imported(since: dt.datetime) -> None:
    """Delete what an import wrote after `since` (its audit event stays: the log is append-only).

    The contracts go in one statement: the ORM's delete() would first load every one of them
    to collect cascades, which their children, deleted first, no longer need."""
    contracts = Contract.objects.filter(created_at__gte=since)
    meta = Contract._meta
    created = meta.get_field("created_at")
    quote = connection.ops.quote_name
    with transaction.atomic():
        Contract.assets.through.objects.filter(contract__in=contracts).delete()
        ProcessorAgreement.objects.filter(contract__in=contracts).delete()
        DataLocation.objects.filter(contract__in=contracts).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                # Only names from the model are formatted in.
                f"DELETE FROM {quote(meta.db_table)} WHERE {quote(created.column)} >= %s",  # noqa: S608
                [created.get_db_prep_value(since, connection)],
            )
        SupplierRelation.objects.filter(created_at__gte=since).delete()


def csv_bytes(rows: list[list[str]]) -> bytes:
    output = io.StringIO()
    csv.writer(output, lineterminator="\r\n").writerows(rows)
    return output.getvalue().encode()


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    """The rows as Excel keeps them: dates as dates (a number in a date style), whole numbers
    as numbers, the rest as text."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append([_as_excel_keeps(value) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _as_excel_keeps(value: str) -> object:
    if value.isdigit():
        return int(value)
    with suppress(ValueError):
        return dt.date.fromisoformat(value)
    return value
