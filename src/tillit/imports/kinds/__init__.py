"""The kinds of import, each a plug-in with one interface (see base.Importer)."""

from __future__ import annotations

import csv
import io
from typing import Any

from tillit.imports.kinds.base import Importer
from tillit.imports.kinds.contracts import ContractImporter
from tillit.imports.kinds.organisations import OrganisationImporter
from tillit.imports.kinds.subprocessors import SubprocessorImporter
from tillit.imports.kinds.suppliers import SupplierImporter
from tillit.imports.kinds.systems import SystemImporter
from tillit.organisations.models import Organisation

KINDS: dict[str, type[Importer[Any]]] = {
    importer.key: importer
    for importer in (
        OrganisationImporter,
        SupplierImporter,
        SystemImporter,
        ContractImporter,
        SubprocessorImporter,
    )
}
# What an organisation's members may import; the rest is for the operator.
ORGANISATION_KINDS = [key for key, importer in KINDS.items() if not importer.operator_only]
OPERATOR_KINDS = [key for key, importer in KINDS.items() if importer.operator_only]


def template_csv(kind: str, organisation: Organisation | None) -> str:
    """The header row and one example row, with a BOM so that Excel opens it as UTF-8."""
    importer = KINDS[kind]
    example = importer.example(organisation)
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(importer.columns)
    writer.writerow([example[column] for column in importer.columns])
    return "\ufeff" + output.getvalue()
