"""Dates are held within a range where every date worked out from them is a date too."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from tillit.lib.dates import EARLIEST, LATEST, DateField, DateTimeField, check_date, in_range


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (dt.date(1899, 12, 31), False),
        (EARLIEST, True),
        (LATEST, True),
        (dt.date(2200, 1, 1), False),
        (dt.date(9999, 12, 31), False),
        (dt.datetime(2199, 12, 31, 23, 59, tzinfo=dt.UTC), True),
        (dt.datetime(1, 1, 1, tzinfo=dt.UTC), False),
    ],
)
def test_the_range(day: dt.date, inside: bool) -> None:
    assert in_range(day) is inside
    if inside:
        check_date(day)
    else:
        with pytest.raises(ValidationError, match="mellan 1900-01-01 och 2199-12-31"):
            check_date(day)


class _Form(forms.Form):
    day = DateField()
    moment = DateTimeField()


def test_forms_refuse_dates_outside_in_the_users_language() -> None:
    with translation.override("sv"):
        form = _Form({"day": "9999-12-31", "moment": "0001-01-01T00:00"})
        assert not form.is_valid()
        assert form.errors == {
            "day": ["Ange ett datum mellan 1900-01-01 och 2199-12-31."],
            "moment": ["Ange ett datum mellan 1900-01-01 och 2199-12-31."],
        }
    form = _Form({"day": "2199-12-31", "moment": "1900-01-01T00:00"})
    assert form.is_valid(), form.errors
    # The browser's date picker offers the same range.
    assert 'type="date"' in str(form["day"])
    assert 'min="1900-01-01" max="2199-12-31"' in str(form["day"])
    assert 'min="1900-01-01T00:00" max="2199-12-31T23:59"' in str(form["moment"])
