"""Building import files for tests, and running imports."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence

from openpyxl import Workbook

from tillit.accounts.models import User
from tillit.audit.models import AuditEvent
from tillit.classification.models import Asset, Classification
from tillit.imports.services import ImportResult, import_file
from tillit.organisations.models import Organisation
from tillit.suppliers.models import (
    Contract,
    DataLocation,
    ProcessorAgreement,
    SubProcessor,
    Supplier,
    SupplierRelation,
)

CONTRACT_COLUMNS = [
    "organisation_orgnr",
    "supplier_orgnr",
    "system_name",
    "start",
    "end",
    "dpa_signed",
    "data_locations",
    "incident_notice_hours",
]


def csv_bytes(rows: Sequence[Sequence[object]], *, delimiter: str = ",") -> bytes:
    output = io.StringIO()
    csv.writer(output, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return output.getvalue().encode()


def xlsx_bytes(rows: Sequence[Sequence[object]] | Workbook) -> bytes:
    """A workbook with these rows on its sheet (or the workbook given), saved."""
    workbook = rows if isinstance(rows, Workbook) else Workbook()
    if not isinstance(rows, Workbook):
        sheet = workbook.active
        assert sheet is not None
        for row in rows:
            sheet.append(list(row))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def rewrite_zip(content: bytes, changes: dict[str, bytes]) -> bytes:
    """The same zip with some members replaced or added."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename not in changes:
                target.writestr(info, source.read(info.filename))
        for name, data in changes.items():
            target.writestr(name, data)
    return output.getvalue()


def run(
    kind: str,
    content: bytes,
    *,
    filename: str = "file.csv",
    organisation: Organisation | None = None,
    user: User | None = None,
    dry_run: bool = False,
) -> ImportResult:
    return import_file(
        kind=kind,
        content=content,
        filename=filename,
        acting_user=user,
        organisation=organisation,
        dry_run=dry_run,
    )


def counts() -> dict[str, int]:
    """How many rows every table an import writes holds: unchanged means nothing was written."""
    models = (
        Organisation,
        Supplier,
        SupplierRelation,
        Asset,
        Classification,
        Contract,
        Contract.assets.through,
        ProcessorAgreement,
        DataLocation,
        SubProcessor,
        AuditEvent,
    )
    return {model._meta.label: model._default_manager.count() for model in models}


def where(result: ImportResult) -> list[tuple[int | None, str | None, str]]:
    return [(problem.row, problem.column, problem.code) for problem in result.errors]
