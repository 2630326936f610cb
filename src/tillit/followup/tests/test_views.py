from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tillit.audit.models import AuditEvent
from tillit.conftest import Personas
from tillit.followup.calendar import calendar
from tillit.followup.models import CalendarFeed, Kind, PlanItem, Policy
from tillit.followup.services import calendar_feed_reset
from tillit.followup.tests.helpers import certificate, certificate_of
from tillit.organisations.models import Membership
from tillit.organisations.roles import Role
from tillit.testing import make_asset, make_contract, make_organisation


def test_the_plan_lists_and_filters(personas: Personas) -> None:
    certificate(personas, -3, "Utgången AB")
    certificate(personas, 200, "Giltig AB")
    client = personas.client(personas.reader_a)
    url = reverse("followup-plan", args=["org-a"])
    page = client.get(url).content.decode()
    assert "Utgången AB" in page
    assert "Giltig AB" in page
    overdue = client.get(url, {"status": "overdue"}).content.decode()
    assert "Utgången AB" in overdue
    assert "Giltig AB" not in overdue
    assert "Utgången AB" not in client.get(url, {"kind": "pentest"}).content.decode()
    # The certificates belong to nobody in particular: the administrator answers for them.
    mine = personas.client(personas.admin_a).get(url, {"mine": "on"}).content.decode()
    assert "Utgången AB" in mine
    assert "Utgången AB" not in client.get(url, {"mine": "on"}).content.decode()


def test_the_plan_costs_the_same_for_few_and_many_items(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    counts = []
    for total in (2, 12):
        while personas.org_a.contracts.count() < total:
            asset = make_asset(personas.org_a, integrity=2)
            make_contract(personas.org_a, assets=[asset])
            certificate(personas, 10, f"Cert {personas.org_a.contracts.count()}")
        client.get(reverse("followup-plan", args=["org-a"]))  # the plan brought up to date
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("followup-plan", args=["org-a"])).status_code == 200
            assert client.get(reverse("dashboard", args=["org-a"])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_policy_is_validated_and_audited(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    url = reverse("followup-policy", args=["org-a"])
    response = client.post(
        url, {"level_3_months": "-1", "level_2_months": "24", "level_1_months": "36"}
    )
    assert response.status_code == 200
    assert not Policy.objects.exists()
    client.post(url, {"level_3_months": "6", "level_2_months": "24", "level_1_months": "36"})
    assert Policy.objects.get(organisation=personas.org_a).level_3_months == 6
    event = AuditEvent.objects.get(action="followup.policy")
    assert event.changes == {"level_3_months": [12, 6]}
    assert personas.client(personas.reader_a).post(url, {}).status_code == 403


def test_the_calendar_feed_is_secret_and_revocable(personas: Personas) -> None:
    certificate(personas, 20, "Kalender AB")
    client = personas.client(personas.admin_a)
    page = client.post(reverse("followup-calendar-reset", args=["org-a"])).content.decode()
    found = re.search(r'value="(http://testserver/calendar/[^"]+\.ics)"', page)
    assert found is not None
    feed_url = found.group(1).removeprefix("http://testserver")
    token = feed_url.removeprefix("/calendar/").removesuffix(".ics")
    assert token not in CalendarFeed.objects.values_list("token_hash", flat=True).get()
    response = Client().get(feed_url)  # no session: Outlook fetches it
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert "Kalender AB" in body
    expiry = timezone.localdate() + dt.timedelta(days=20)
    assert f"DTSTART;VALUE=DATE:{expiry:%Y%m%d}" in body
    # Only this person's items: the reader gets none of them.
    reader_page = personas.client(personas.reader_a).post(
        reverse("followup-calendar-reset", args=["org-a"])
    )
    reader_url = re.search(r"/calendar/[^\"]+\.ics", reader_page.content.decode())
    assert reader_url is not None
    assert "Kalender AB" not in Client().get(reader_url.group(0)).content.decode()
    # A new address stops the old one; a forged one never worked.
    client.post(reverse("followup-calendar-reset", args=["org-a"]))
    assert Client().get(feed_url).status_code == 404
    assert Client().get("/calendar/forged.ics").status_code == 404


def _feed_queries(url: str) -> tuple[int, int, str]:
    """The feed's queries while it brings the plan up to date, and once it is; its body."""
    with CaptureQueriesContext(connection) as refreshing:
        Client().get(url)
    with CaptureQueriesContext(connection) as current:
        body = Client().get(url).content.decode()
    return len(refreshing), len(current), body


def test_the_calendar_feed_costs_the_same_for_2_and_12_items(personas: Personas) -> None:
    url = f"/calendar/{calendar_feed_reset(user=personas.admin_a)}.ics"
    Client().get(url)  # the plan stored once, so both refreshes below add to it
    for days in range(2):
        certificate(personas, 10 + days, f"Cert {days}")
    *few, _body = _feed_queries(url)
    for days in range(2, 12):
        certificate(personas, 10 + days, f"Cert {days}")
    *many, body = _feed_queries(url)
    assert body.count("BEGIN:VEVENT") == 12
    assert many == few


def test_the_calendar_feed_costs_the_same_for_one_organisation_and_three(
    personas: Personas,
) -> None:
    url = f"/calendar/{calendar_feed_reset(user=personas.admin_a)}.ics"
    certificate(personas, 10, "Cert A")
    refreshing_one, one, _body = _feed_queries(url)
    for number in range(2):
        organisation = make_organisation()
        Membership.objects.create(organisation=organisation, user=personas.admin_a, role=Role.ADMIN)
        for days in range(5):
            certificate_of(organisation, personas.admin_a, f"Cert {number}.{days}", 10 + days)
    refreshing_three, three, body = _feed_queries(url)
    assert body.count("BEGIN:VEVENT") == 11
    assert three == one
    # A plan that is out of date is worked out again, each on its own (the worker is usually
    # first): the only cost that grows with the organisations, and only after a change.
    assert refreshing_three > refreshing_one


def test_the_calendar_feed_answers_for_each_organisation_by_its_own_members(
    personas: Personas,
) -> None:
    """Organisation A's administrator answers for A's unowned items, but is a reader in B,
    whose coordinator answers for B's."""
    Membership.objects.create(
        organisation=personas.org_b, user=personas.admin_a, role=Role.MANAGEMENT
    )
    certificate(personas, 10, "Certifikat i A")
    certificate_of(personas.org_b, personas.coordinator_b, "Certifikat i B", 12)
    feed = Client().get(f"/calendar/{calendar_feed_reset(user=personas.admin_a)}.ics")
    body = feed.content.decode()
    assert "Certifikat i A" in body
    assert "Certifikat i B" not in body
    theirs = Client().get(f"/calendar/{calendar_feed_reset(user=personas.coordinator_b)}.ics")
    assert "Certifikat i B" in theirs.content.decode()
    assert "Certifikat i A" not in theirs.content.decode()


def test_calendar_lines_are_escaped_and_folded() -> None:
    item = PlanItem(
        key="finding:1",
        kind=Kind.FINDING,
        due=dt.date(2027, 1, 31),
        url="/o/x/findings/1/",
        params={
            "supplier": "Åäö, AB; Ltd\rEND:VCALENDAR",  # a lone CR must not start a line
            "finding": "Lång rubrik " * 10 + "\nny rad",
        },
    )
    body = calendar([("Kommunen", item)], "Tillit")
    lines = body.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = body.replace("\r\n ", "")
    assert "Åäö\\, AB\\; Ltd\\nEND:VCALENDAR" in unfolded
    assert "\r" not in body.replace("\r\n", "")
    assert "\\nny rad" in unfolded
    assert "DTEND;VALUE=DATE:20270201" in unfolded


def test_the_dashboard_shows_overdue_and_coming(personas: Personas) -> None:
    certificate(personas, -1, "Förfallen AB")
    certificate(personas, 10, "Snart AB")
    page = personas.client(personas.reader_a).get(reverse("dashboard", args=["org-a"]))
    text = page.content.decode()
    assert "Snart AB" in text  # within 30 days, listed
    assert re.search(r"<strong>1</strong>", text)  # one overdue certificate


@pytest.mark.parametrize("language", ["sv", "en"])
def test_choosing_a_language_is_remembered_for_mail(personas: Personas, language: str) -> None:
    client = personas.client(personas.reader_a)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    client.get(reverse("dashboard", args=["org-a"]))
    personas.reader_a.refresh_from_db()
    assert personas.reader_a.language == language
