"""Template filters shared across Tillit's pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict
from django.utils import translation

from tillit.catalogue.models import Reference
from tillit.catalogue.models import localised as _localised
from tillit.catalogue.references import SCHEMES
from tillit.catalogue.rules import Reason
from tillit.catalogue.selectors import ProfileEntry
from tillit.catalogue.selectors import reason_text as _reason_text
from tillit.classification.questions import QUESTIONS
from tillit.lib.countries import country_name as _country_name
from tillit.lib.countries import is_eu_eea

register = template.Library()


@register.filter
def localised(text: dict[str, str]) -> str:
    return _localised(text)


@register.filter
def entry_text(entry: ProfileEntry, field: str) -> str:
    return entry.text(field)


@register.filter
def reason_text(reasons: tuple[Reason, ...]) -> str:
    return _reason_text(reasons)


@register.filter
def aspect_label(aspect: str) -> str:
    return next((str(q.title) for q in QUESTIONS if q.aspect == aspect), aspect)


@register.filter
def thousands(value: Any) -> str:
    """12345 → '12 345' (Swedish grouping with a no-break space)."""
    return f"{int(value):,}".replace(",", "\u00a0")


@register.filter
def reference_label(reference: Reference) -> str:
    scheme = SCHEMES.get(reference.scheme)
    language = translation.get_language() or "sv"
    return scheme.format(reference.value, language) if scheme else str(reference)


@register.simple_tag
def query_with(query: QueryDict, **changes: Any) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    updated = query.copy()
    for key, value in changes.items():
        updated[key] = value
    return updated.urlencode()


@register.filter
def country_name(code: str) -> str:
    """SE → 'Sverige' (in the active language)."""
    return _country_name(code) if code else ""


@register.filter
def outside_eu_eea(code: str) -> bool:
    return bool(code) and not is_eu_eea(code)
