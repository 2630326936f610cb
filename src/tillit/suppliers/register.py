"""The processing register (GDPR Art. 30 style): for each asset with personal data, who
processes which categories where, under which agreement; as rows for the page and as CSV and
XLSX for whoever asks (the DPO, IMY).

A sub-processor is bound through its processor's agreement (Art. 28(2) and (4)), so its rows
name the same agreement as the contract it serves.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TypedDict
from uuid import UUID

from django.urls import reverse
from django.utils.translation import gettext as _

from tillit.classification.models import Asset, Classification, ProtectedIdentities
from tillit.lib.countries import country_name, is_eu_eea
from tillit.lib.spreadsheet import safe_cell
from tillit.suppliers.gaps import agreement_of
from tillit.suppliers.models import Contract, ProcessorAgreement, Supplier
from tillit.suppliers.selectors import ChainNode, flatten, subprocessor_trees

CSV_DELIMITER = ";"  # what a spreadsheet with Swedish settings expects


@dataclass(frozen=True)
class RegisterRow:
    asset: Asset
    categories: tuple[str, ...]
    data_subjects: int
    # None for an asset no supplier processes (then the rest is empty too).
    processor: Supplier | None = None
    engaged_by: Supplier | None = None  # set for a sub-processor
    service: str = ""
    countries: tuple[str, ...] = ()
    mechanisms: tuple[str, ...] = ()
    contract: Contract | None = None
    agreement: ProcessorAgreement | None = None

    @property
    def is_subprocessor(self) -> bool:
        return self.engaged_by is not None

    @property
    def third_country(self) -> bool:
        return any(not is_eu_eea(code) for code in self.countries)


def data_categories(classification: Classification) -> tuple[str, ...]:
    found = [
        label
        for present, label in (
            (classification.sensitive_data, _("Sensitive (GDPR Art. 9)")),
            (classification.criminal_data, _("Criminal offences (GDPR Art. 10)")),
            (classification.personnummer, _("Personal identity numbers")),
            (classification.children, _("Children")),
        )
        if present
    ]
    if classification.protected_identities != ProtectedIdentities.NONE:
        found.append(str(classification.get_protected_identities_display()))
    return tuple(found) or (_("Ordinary personal data"),)


def _contract_rows(
    base: RegisterRow, contract: Contract, tree: list[ChainNode]
) -> list[RegisterRow]:
    locations = list(contract.locations.all())
    agreement = agreement_of(contract)
    rows = [
        replace(
            base,
            processor=contract.supplier,
            service=contract.service,
            countries=tuple(location.country for location in locations),
            mechanisms=tuple(
                str(location.get_transfer_mechanism_display())
                if location.transfer_mechanism
                else _("Missing")
                for location in locations
                if not is_eu_eea(location.country)
            ),
            contract=contract,
            agreement=agreement,
        )
    ]
    for node in flatten(tree):
        if node.repeated:  # a cycle: this sub-processor is listed already
            continue
        rows.append(
            replace(
                base,
                processor=node.link.subprocessor,
                engaged_by=node.link.supplier,
                service=node.link.service,
                countries=(node.link.country,),
                contract=contract,
                agreement=agreement,
            )
        )
    return rows


def register_rows(assets: Iterable[Asset]) -> list[RegisterRow]:
    """The rows for assets from personal_data_assets(), sub-processor chains included."""
    chosen = list(assets)
    suppliers = {c.supplier for asset in chosen for c in asset.contracts.all()}
    trees = subprocessor_trees(suppliers)
    rows = []
    for asset in chosen:
        current = asset.current
        if current is None:
            continue
        base = RegisterRow(
            asset=asset,
            categories=data_categories(current),
            data_subjects=current.data_subjects,
        )
        contracts = list(asset.contracts.all())
        if not contracts:
            rows.append(base)
        for contract in contracts:
            rows += _contract_rows(base, contract, trees[contract.supplier_id])
    return rows


class RegisterLine(TypedDict):
    """A row as the page shows it. A page has hundreds of rows, so their texts and addresses
    are worked out here, each address once per object, rather than by template tags and
    filters in the loop; and a row is a dict, which the template finds {{ line.asset }} in at
    its first try (of an object's attribute it first tries a key, and recovers from the
    error: a tenth to a fifth of the time of rendering the rows)."""

    subprocessor: bool
    asset: str
    asset_url: str
    categories: str
    data_subjects: int
    processor: str
    processor_url: str  # "" for a sub-processor, and when no supplier processes the data
    engaged_by: str  # "sub-processor of …"
    service: str
    contract_url: str  # "" for a sub-processor
    countries: tuple[tuple[str, bool], ...]  # (name, outside the EU/EEA)
    mechanisms: str
    agreement: str
    badge: str  # a missing agreement, or the points it does not cover
    badge_class: str


def register_lines(rows: Iterable[RegisterRow], slug: str) -> list[RegisterLine]:
    urls: dict[tuple[str, UUID], str] = {}

    def url(name: str, pk: UUID) -> str:
        if (name, pk) not in urls:
            urls[name, pk] = reverse(name, args=[slug, pk])
        return urls[name, pk]

    return [_line(row, url) for row in rows]


def _line(row: RegisterRow, url: Callable[[str, UUID], str]) -> RegisterLine:
    processor, agreement, direct = row.processor, row.agreement, not row.is_subprocessor
    badge, badge_class = "", ""
    if processor is not None and agreement is None:
        badge, badge_class = _("Missing"), "danger"
    elif agreement is not None and agreement.gaps:
        badge, badge_class = (
            _("Not covered: %(points)s") % {"points": ", ".join(agreement.gaps)},
            "warning",
        )
    return RegisterLine(
        subprocessor=not direct,
        asset=row.asset.name,
        asset_url=url("asset-detail", row.asset.pk),
        categories=", ".join(row.categories),
        data_subjects=row.data_subjects,
        processor=processor.name if processor else _("No supplier"),
        processor_url=url("supplier-detail", processor.pk) if processor and direct else "",
        engaged_by=_("sub-processor of %(name)s") % {"name": row.engaged_by.name}
        if row.engaged_by
        else "",
        service=row.service,
        contract_url=url("supplier-contract-detail", row.contract.pk)
        if row.contract and direct
        else "",
        countries=tuple((country_name(code), not is_eu_eea(code)) for code in row.countries),
        mechanisms=", ".join(row.mechanisms),
        agreement=(agreement_text(agreement) if agreement else "") if processor else "–",
        badge=badge,
        badge_class=badge_class,
    )


def agreement_text(agreement: ProcessorAgreement | None) -> str:
    if agreement is None:
        return _("Missing")
    parts = [
        _("Signed %(date)s") % {"date": agreement.signed_on.isoformat()}
        if agreement.signed_on
        else _("Recorded, date not given")
    ]
    if agreement.version:
        parts.append(_("version %(version)s") % {"version": agreement.version})
    return ", ".join(parts)


def header() -> list[str]:
    return [
        _("Asset"),
        _("Categories of personal data"),
        _("Data subjects (approx.)"),
        _("Processor"),
        _("Organisation or registration number"),
        _("Engaged by"),
        _("Service"),
        _("Countries"),
        _("Outside the EU/EEA"),
        _("Transfer mechanism"),
        _("Processor agreement"),
        _("Art. 28(3) points not covered"),
    ]


def cells(row: RegisterRow) -> list[str | int]:
    """One row as export cells: text made safe for spreadsheets, the count as a number."""
    processor = row.processor
    agreement = row.agreement
    text = [
        row.asset.name,
        ", ".join(row.categories),
        "",
        processor.name if processor else _("No supplier"),
        processor.identifier if processor else "",
        row.engaged_by.name if row.engaged_by else "",
        row.service,
        ", ".join(f"{country_name(code)} ({code})" for code in row.countries),
        (_("Yes") if row.third_country else _("No")) if processor else "",
        ", ".join(row.mechanisms),
        agreement_text(agreement) if processor else "",
        ", ".join(agreement.gaps) if agreement else "",
    ]
    values: list[str | int] = [safe_cell(value) for value in text]
    values[2] = row.data_subjects
    return values


def register_csv(rows: Sequence[RegisterRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([safe_cell(title) for title in header()])
    writer.writerows(cells(row) for row in rows)
    # With a byte-order mark, spreadsheets read the file as UTF-8 (å, ä, ö).
    return buffer.getvalue().encode("utf-8-sig")


def register_xlsx(rows: Sequence[RegisterRow], *, organisation: str) -> bytes:
    # Imported here: only the processes that write a workbook pay the load.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # one named sheet, created below
    # Sheet names are at most 31 characters.
    sheet = workbook.create_sheet(safe_cell(_("Processing register"))[:31])
    workbook.properties.title = safe_cell(f"{_('Processing register')} – {organisation}")
    workbook.properties.creator = safe_cell(organisation)
    sheet.append([safe_cell(title) for title in header()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(cells(row))
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
