"""Text that is safe in generated spreadsheets and Office XML: no characters XML forbids, no
cells a spreadsheet would run as a formula."""

from __future__ import annotations

import re

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
