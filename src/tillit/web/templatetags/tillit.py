"""Template filters shared across Tillit's pages."""

from __future__ import annotations

import html
import re
from typing import Any

from django import template
from django.http import QueryDict
from django.utils import translation
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString

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
CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.DOTALL)


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


@register.simple_block_tag
def scrollable(content: SafeString, label: str = "") -> SafeString:
    """A table in a region of its own that scrolls sideways when the table is wider than the
    page, instead of breaking its headings inside words. The region can be focused, so that it
    can be scrolled from the keyboard (WCAG 2.1.1), and is named after the table's caption
    unless given a label."""
    if not label:
        caption = CAPTION.search(content)
        if caption is None:
            raise template.TemplateSyntaxError(
                "scrollable: a table without a caption needs a label"
            )
        label = " ".join(html.unescape(strip_tags(caption.group(1))).split())
    return format_html(
        '<div class="table-wrap" role="region" tabindex="0" aria-label="{}">{}</div>',
        label,
        content,
    )
