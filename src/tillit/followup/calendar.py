"""The follow-up plan as an iCalendar feed (RFC 5545), one all-day event per item."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from tillit.followup.models import PlanItem


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")  # a lone CR ends a line too, for some calendars
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1),
    never splitting a UTF-8 character."""
    parts: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not parts else 74  # continuation lines start with a space
        if len((current + char).encode()) > limit:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return "\r\n ".join(parts)


def calendar(items: Iterable[tuple[str, PlanItem]], name: str) -> str:
    """(organisation name, item) pairs as a VCALENDAR."""
    host = urlsplit(settings.BASE_URL).hostname or "tillit"
    stamp = timezone.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Tillit//Follow-up//SV",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for organisation, item in items:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{item.key}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{item.due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{item.due + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(item.title)}",
            f"DESCRIPTION:{_escape(f'{organisation}: {item.kind_label}')}",
            f"URL:{settings.BASE_URL}{item.url}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
