"""Text that is safe in generated spreadsheets and Office XML: no characters XML forbids, no
cells a spreadsheet would run as a formula; and a worksheet filled with such text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Sequence
from typing import Any

# Characters XML 1.0 forbids; lxml and openpyxl refuse them, and text pasted from Word carries
# some (\x0b).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# A spreadsheet treats text starting with these as a formula (OWASP "CSV injection"; tab and
# carriage return included as OWASP advises).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def xml_text(text: str) -> str:
    """The text with every character XML forbids replaced by a space."""
    return _NOT_XML.sub(" ", text)


def safe_cell(value: str) -> str:
    """Text that no spreadsheet will evaluate: formula-like text gets a leading quote.

    Characters XML forbids are blanked too, since openpyxl refuses them.
    """
    text = xml_text(value)
    # Leading blanks are checked past too: some spreadsheets trim them on import.
    return f"'{text}" if text.lstrip(" ").startswith(_FORMULA_STARTS) else text


Cell = str | int | dt.date | None


def fill_sheet(
    sheet: Any,
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    freeze: str = "A2",
    wrap: Collection[int] = (),
) -> None:
    """Write a bold header row kept in view while scrolling (`freeze` may also keep key
    columns), then the rows; every text goes through safe_cell. Columns are as wide as their
    longest value within reason; the 1-based columns in `wrap` are wide and wrap their text."""
    from openpyxl.styles import Alignment, Font

    sheet.append([safe_cell(str(value)) for value in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(value) if isinstance(value, str) else value for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"  # a date, not openpyxl's date and time
    sheet.freeze_panes = freeze
    for column in sheet.columns:
        letter, index = column[0].column_letter, column[0].column
        if index in wrap:
            sheet.column_dimensions[letter].width = 60
            for cell in column[1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            continue
        width = max(len(_shown(cell.value)) for cell in column)
        sheet.column_dimensions[letter].width = min(max(width + 2, 8), 60)


def _shown(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "")
