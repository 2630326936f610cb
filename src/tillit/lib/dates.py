"""The dates Tillit takes from people, forms, the API and imported files: within a range where
every date worked out from them is a date too.

The follow-up works dates out from what it is given: a review a year after a penetration test,
reminders days before and after a due date, a notice period before a contract's end. A date
at the edge of the calendar (9999-12-31, or 0001-01-01 in Swedish time, which is year 0 in UTC)
made that arithmetic fail, and with it an organisation's plan, its calendar feed and the daily
reminders; so no such date gets in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)
_OUT_OF_RANGE = _("Give a date between %(earliest)s and %(latest)s.")
RANGE = {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()}  # for messages


def in_range(day: dt.date) -> bool:
    """Whether a date (or a date and time, by its own calendar day) may be stored."""
    return EARLIEST <= (day.date() if isinstance(day, dt.datetime) else day) <= LATEST


def out_of_range() -> str:
    """What to tell whoever gave a date outside the range, in the active language."""
    return _OUT_OF_RANGE % RANGE


def check_date(value: dt.date) -> None:
    """The validator of the form fields below."""
    if not in_range(value):
        raise ValidationError(_OUT_OF_RANGE, code="date_range", params=RANGE)


_LIMITS = {"min": EARLIEST.isoformat(), "max": LATEST.isoformat()}


class DateField(forms.DateField):
    """A date in a form: the browser's date picker, ISO dates, and the range above."""

    default_validators = [check_date]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", forms.DateInput(attrs={"type": "date", **_LIMITS}, format="%Y-%m-%d")
        )
        super().__init__(**kwargs)


class DateTimeField(forms.DateTimeField):
    """A date and time in a form (Swedish time), in the range above."""

    default_validators = [check_date]

    def __init__(self, **kwargs: Any) -> None:
        limits = {"min": f"{EARLIEST}T00:00", "max": f"{LATEST}T23:59"}
        widget = forms.DateTimeInput(
            attrs={"type": "datetime-local", **limits}, format="%Y-%m-%dT%H:%M"
        )
        kwargs.setdefault("widget", widget)
        super().__init__(**kwargs)
