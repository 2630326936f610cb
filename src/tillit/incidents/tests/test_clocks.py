"""The regulatory clocks: rules as data, elapsed hours, calendar weeks and months in Stockholm."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tillit.incidents import clocks

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _regime(key: str) -> clocks.Regime:
    return next(r for r in clocks.regimes() if r.key == key)


def test_every_regime_names_its_legal_source() -> None:
    assert {r.key for r in clocks.regimes()} == {
        "gdpr_art33",
        "gdpr_art34",
        "nis2_art23",
        "msbfs_2020_8",
    }
    assert all(r.source and r.title["sv"] and r.title["en"] for r in clocks.regimes())


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (clocks.Facts(False, False, False, False), set()),
        (clocks.Facts(True, False, False, False), {"gdpr_art33"}),
        (clocks.Facts(True, True, False, False), {"gdpr_art33", "gdpr_art34"}),
        (clocks.Facts(False, False, True, False), {"nis2_art23"}),
        (clocks.Facts(False, False, False, True), {"msbfs_2020_8"}),
        (
            clocks.Facts(True, True, True, True),
            {"gdpr_art33", "gdpr_art34", "nis2_art23", "msbfs_2020_8"},
        ),
    ],
)
def test_which_regimes_apply(facts: clocks.Facts, expected: set[str]) -> None:
    assert {r.key for r in clocks.applicable(facts)} == expected


def test_72_hours_are_elapsed_hours_across_the_change_to_summer_time() -> None:
    # Summer time began at 02:00 on 30 March 2025: the wall clock skipped an hour.
    aware = dt.datetime(2025, 3, 29, 12, 0, tzinfo=STOCKHOLM)
    due = clocks.schedule(_regime("gdpr_art33"), aware, {})["notification"]
    assert due == dt.datetime(2025, 4, 1, 13, 0, tzinfo=STOCKHOLM)
    # Python subtracts wall clocks within one zone; the law counts elapsed time.
    assert due.astimezone(dt.UTC) - aware.astimezone(dt.UTC) == dt.timedelta(hours=72)


def test_6_hours_across_the_change_back_to_winter_time() -> None:
    # Winter time began at 03:00 on 26 October 2025: the wall clock went back an hour.
    aware = dt.datetime(2025, 10, 26, 0, 30, tzinfo=STOCKHOLM)
    due = clocks.schedule(_regime("msbfs_2020_8"), aware, {})["first_report"]
    assert due.isoformat() == "2025-10-26T05:30:00+01:00"
    assert due.astimezone(dt.UTC) - aware.astimezone(dt.UTC) == dt.timedelta(hours=6)


def test_weeks_and_months_are_calendar_time_in_stockholm() -> None:
    aware = dt.datetime(2025, 10, 10, 9, 0, tzinfo=STOCKHOLM)  # summer time
    msbfs = clocks.schedule(_regime("msbfs_2020_8"), aware, {})
    assert msbfs["final_report"].isoformat() == "2025-11-07T09:00:00+01:00"  # winter time
    nis2 = clocks.schedule(_regime("nis2_art23"), aware, {})
    assert nis2["early_warning"].isoformat() == "2025-10-11T09:00:00+02:00"
    assert nis2["notification"].isoformat() == "2025-10-13T09:00:00+02:00"
    # One month after the notification was due…
    assert nis2["final_report"].isoformat() == "2025-11-13T09:00:00+01:00"
    # …or after it was actually made.
    done = {"notification": dt.datetime(2025, 10, 12, 16, 0, tzinfo=STOCKHOLM)}
    rescheduled = clocks.schedule(_regime("nis2_art23"), aware, done)
    assert rescheduled["final_report"].isoformat() == "2025-11-12T16:00:00+01:00"


def test_a_month_from_the_31st_ends_on_the_last_day_of_a_shorter_month() -> None:
    aware = dt.datetime(2026, 1, 28, 10, 0, tzinfo=STOCKHOLM)
    done = {"notification": dt.datetime(2026, 1, 31, 10, 0, tzinfo=STOCKHOLM)}
    final = clocks.schedule(_regime("nis2_art23"), aware, done)["final_report"]
    assert final == dt.datetime(2026, 2, 28, 10, 0, tzinfo=STOCKHOLM)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"applies_when": ["nonsense"]}, "unknown conditions"),
        ({"source": ""}, "legal source"),
        ({"steps": [{"key": "a", "title": {}, "after": {"hours": -1}}]}, "positive"),
        ({"steps": [{"key": "a", "title": {}, "after": {"fortnights": 1}}]}, "exactly one"),
        ({"steps": [{"key": "a", "title": {}, "after": {"step": "b", "days": 1}}]}, "earlier"),
    ],
)
def test_malformed_rules_are_refused(raw: dict[str, object], message: str) -> None:
    regime = {
        "key": "x",
        "title": {"sv": "x", "en": "x"},
        "source": "Lag",
        "recipient": {"sv": "x", "en": "x"},
        "applies_when": [],
        "steps": [{"key": "a", "title": {}, "after": {"hours": 1}}],
    } | raw
    with pytest.raises(clocks.ClockRuleError, match=message):
        clocks.parse({"regimes": [regime]})
