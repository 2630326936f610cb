from __future__ import annotations

import pytest

from tillit.lib.spreadsheet import safe_cell, xml_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+46 8 123", "'+46 8 123"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Säker Lön AB", "Säker Lön AB"),
        ("a=b", "a=b"),
        ("", ""),
        ("\x01=1", "' =1"),
        (" -1", "' -1"),
    ],
)
def test_safe_cell(value: str, expected: str) -> None:
    assert safe_cell(value) == expected


def test_xml_text_blanks_what_xml_forbids() -> None:
    assert xml_text("Rad\x0bbruten\x00") == "Rad bruten "
