"""The report of an assessment as a workbook: a summary, the questions and the findings."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from tillit.assessments.report import labels
from tillit.assessments.report.content import Report
from tillit.lib.spreadsheet import Cell, fill_sheet, safe_cell

# 1-based columns of long text, which wrap rather than run off to the right.
QUESTION_WRAP = (3, 5, 7, 8, 12)
FINDING_WRAP = (2, 4, 8)


def render_report_xlsx(report: Report) -> bytes:
    # Imported here, like WeasyPrint: only the processes that write a workbook pay the load.
    from openpyxl import Workbook

    with translation.override(report.language):
        workbook = Workbook()
        workbook.remove(workbook.worksheets[0])  # named sheets only, created below
        workbook.properties.title = safe_cell(f"{_('Assessment report')} – {report.title}")
        workbook.properties.creator = safe_cell(report.organisation)
        workbook.properties.language = report.language
        _summary(workbook.create_sheet(_("Summary")), report)
        fill_sheet(
            workbook.create_sheet(_("Questions")),
            [str(column) for column in labels.QUESTION_COLUMNS],
            [labels.question_cells(question) for question in report.questions],
            freeze="B2",
            wrap=QUESTION_WRAP,
        )
        fill_sheet(
            workbook.create_sheet(_("Findings")),
            [str(column) for column in labels.FINDING_COLUMNS],
            [labels.finding_cells(finding) for finding in report.findings],
            freeze="B2",
            wrap=FINDING_WRAP,
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _summary(sheet: Any, report: Report) -> None:
    """In the PDF's order: the cover facts, the verdict with its reason and the rules, then the
    table per area. The frozen first row names the report and the assessment."""
    from openpyxl.styles import Font

    rows: list[Sequence[Cell]] = [*labels.facts(report), ()]
    rows += [
        (_("Verdict"), report.verdict_label or _("No verdict yet.")),
        (_("Reason"), report.reason),
    ]
    rows += [
        (_("How the verdict is reached") if index == 0 else "", rule)
        for index, rule in enumerate(report.rules)
    ]
    rows.append(())
    table = len(rows) + 2  # the table's header row: after the sheet's header and these rows
    rows.append([str(column) for column in labels.TALLY_COLUMNS])
    rows += [labels.tally_cells(tally) for tally in (*report.areas, report.total)]
    total = len(rows) + 1
    fill_sheet(sheet, [_("Assessment report"), report.title], rows, freeze="A2")
    bold = Font(bold=True)
    for row in sheet.iter_rows(min_row=2, max_row=table - 1, max_col=1):
        row[0].font = bold
    for cell in (*sheet[table], *sheet[total]):
        cell.font = bold
    # The table's columns fit the table; the longer texts above spill into the empty cells to
    # their right instead of widening it.
    for column in sheet.iter_cols(min_col=2, min_row=table, max_row=total):
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = max(width + 2, 8)
