"""Countries (ISO 3166-1 alpha-2) with names in the active language, and EU/EEA membership."""

from __future__ import annotations

import gettext
from functools import cache

import pycountry
from django.utils import translation

# The 27 EU member states plus Iceland, Liechtenstein and Norway (EEA). Transfers outside these
# need a transfer mechanism under GDPR chapter V.
EU_EEA = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    ]
)


@cache
def _catalog(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def is_country(code: str) -> bool:
    return len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


def is_eu_eea(code: str) -> bool:
    return code.upper() in EU_EEA


def country_name(code: str, language: str | None = None) -> str:
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    return _catalog(language or translation.get_language() or "sv").gettext(country.name)


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    names = [(c.alpha_2, country_name(c.alpha_2, language)) for c in pycountry.countries]
    return sorted(names, key=lambda pair: pair[1])
