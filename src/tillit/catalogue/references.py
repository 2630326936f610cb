"""Reference schemes a requirement may cite, how each value must look and how it is printed.

ISO/IEC 27001 is cited by Annex A control number only, always "eller likvärdigt" / "or
equivalent" (LOU 9 kap. 4 §, Konkurrensverket 2024:1): its text is not free and never shipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# ISO/IEC 27001:2022 Annex A: 37 organisational, 8 people, 14 physical, 34 technological controls.
_ISO_THEMES = {5: 37, 6: 8, 7: 14, 8: 34}


@dataclass(frozen=True)
class Scheme:
    key: str
    pattern: re.Pattern[str]
    example: str
    label: dict[str, str]

    def format(self, value: str, language: str) -> str:
        return self.label.get(language, self.label["en"]).format(value=value)


def _iso_control_exists(value: str) -> bool:
    theme, number = (int(part) for part in value[2:].split("."))
    return 1 <= number <= _ISO_THEMES[theme]


SCHEMES = {
    scheme.key: scheme
    for scheme in (
        Scheme(
            "iso27001_2022",
            re.compile(r"^A\.[5-8]\.\d{1,2}$"),
            "A.5.24",
            {
                "sv": "ISO/IEC 27001:2022 {value} eller likvärdigt",
                "en": "ISO/IEC 27001:2022 {value} or equivalent",
            },
        ),
        Scheme(
            "nis2_art21_2",
            re.compile(r"^[a-j]$"),
            "d",
            {"sv": "NIS2 art. 21.2 {value}", "en": "NIS2 Art. 21(2)({value})"},
        ),
        Scheme(
            "eu_2024_2690",
            re.compile(r"^(1[0-3]|[1-9])(\.\d+)*$"),
            "5.1",
            {
                "sv": "Genomförandeförordning (EU) 2024/2690 bilaga avsnitt {value}",
                "en": "Implementing Regulation (EU) 2024/2690 Annex section {value}",
            },
        ),
        Scheme(
            "gdpr",
            re.compile(r"^\d{1,2}(\(\d+\))?(\([a-h]\))?$"),
            "28(3)(f)",
            {"sv": "GDPR art. {value}", "en": "GDPR Art. {value}"},
        ),
        Scheme(
            "msbfs_2020_7",
            re.compile(r"^(\d+ kap\. )?\d+ [a-z]? ?§$"),
            "7 §",
            {"sv": "MSBFS 2020:7 {value}", "en": "MSBFS 2020:7 {value}"},
        ),
        Scheme(
            "osl",
            re.compile(r"^\d+ kap\. \d+ [a-z]? ?§$"),
            "10 kap. 2 a §",
            {"sv": "offentlighets- och sekretesslagen {value}", "en": "OSL (2009:400) {value}"},
        ),
        Scheme(
            "nist_800_53",
            re.compile(r"^[a-z]{2}-\d+(\.\d+)?$"),
            "ac-2.1",
            {"sv": "NIST SP 800-53 rev5 {value}", "en": "NIST SP 800-53 rev5 {value}"},
        ),
    )
}


def check_reference(scheme_key: str, value: str) -> str | None:
    """Return what is wrong with the reference, or None if it is valid."""
    scheme = SCHEMES.get(scheme_key)
    if scheme is None:
        return f"unknown reference scheme {scheme_key!r} (known: {', '.join(SCHEMES)})"
    if not isinstance(value, str) or not scheme.pattern.match(value):
        return f"{value!r} is not a valid {scheme_key} reference (e.g. {scheme.example!r})"
    if scheme_key == "iso27001_2022" and not _iso_control_exists(value):
        return f"{value} is not a control in ISO/IEC 27001:2022 Annex A"
    return None
