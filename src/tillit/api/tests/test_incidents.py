"""Incidents through the API: register one, the organisation's cases with their clocks, mark a
step done, the notification drafts, the impact (the organisation's own part only), and the
lessons learned (shared with every organisation)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tillit.api.tests.conftest import World, client_with, make_token
from tillit.audit.models import AuditEvent
from tillit.incidents import services
from tillit.incidents.models import Case, ClockStep, Incident, Lesson, ReportedVia
from tillit.organisations.roles import Role
from tillit.suppliers.models import SubProcessor, Supplier
from tillit.testing import (
    make_asset,
    make_contract,
    make_member,
    make_organisation,
    make_supplier,
)

ORG = "/api/v1/organisations/org-a/"


def _incident(**changes: object) -> dict[str, object]:
    now = timezone.now()
    return {
        "title": "Intrång i lönesystemet",
        "description": "Angripare kom åt lönefiler.",
        "started_at": (now - dt.timedelta(days=2)).isoformat(),
        "discovered_at": (now - dt.timedelta(days=1)).isoformat(),
        "severity": "critical",
    } | changes


def test_register_an_incident_at_one_of_your_suppliers(world: World) -> None:
    client = world.client(world.write_a)
    body = _incident(supplier=str(world.objects["supplier"]))
    response = client.post(ORG + "incidents/", body, format="json")
    assert response.status_code == 201, response.json()
    registered = response.json()
    assert registered["organisations_hit"] == 1
    assert registered["reported_via"] == "staff"
    assert response["Location"].endswith(f"/cases/{registered['case']}/")
    case = client.get(response["Location"]).json()
    assert case["incident"]["id"] == registered["id"]
    assert case["steps"]
    assert {step["key"] for step in case["steps"]} >= {"nis2_art23.early_warning"}
    event = AuditEvent.objects.get(action="incident.register", object_id=registered["id"])
    assert "via API token" in event.actor_label


def test_register_by_number_and_refuse_what_cannot_be(world: World) -> None:
    client = world.client(world.write_a)
    supplier = Supplier.objects.get(pk=world.objects["supplier"])
    by_number = client.post(
        ORG + "incidents/", _incident(supplier_identifier=supplier.identifier), format="json"
    )
    assert by_number.status_code == 201, by_number.json()
    unknown = client.post(
        ORG + "incidents/", _incident(supplier_identifier="556000-0001"), format="json"
    )
    assert set(unknown.json()["errors"]) == {"supplier_identifier"}
    both = client.post(
        ORG + "incidents/",
        _incident(supplier=str(supplier.pk), supplier_identifier=supplier.identifier),
        format="json",
    )
    assert set(both.json()["errors"]) == {"supplier_identifier"}
    neither = client.post(ORG + "incidents/", _incident(), format="json")
    assert set(neither.json()["errors"]) == {"supplier"}
    later = (timezone.now() + dt.timedelta(days=1)).isoformat()
    future = client.post(
        ORG + "incidents/",
        _incident(supplier=str(supplier.pk), discovered_at=later),
        format="json",
    )
    assert future.status_code == 400
    assert set(future.json()["errors"]) == {"discovered_at"}
    assert Incident.objects.count() == 2  # the world's and the one by number


def test_only_editors_register_incidents(world: World) -> None:
    # Management reads: its session is refused by role (its tokens may only read).
    client = world.personas.client(world.personas.reader_a)
    response = client.post(
        ORG + "incidents/",
        _incident(supplier=str(world.objects["supplier"])),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert client.get(ORG + "cases/").status_code == 200
    owner = make_member(world.personas.org_a, Role.SYSTEM_OWNER, "owner@a.test")
    editor = client_with(make_token(owner, world.personas.org_a))
    registered = editor.post(
        ORG + "incidents/", _incident(supplier=str(world.objects["supplier"])), format="json"
    )
    assert registered.status_code == 201


def test_mark_a_clock_step_done(world: World) -> None:
    client = world.client(world.write_a)
    case = Case.objects.get(pk=world.objects["case"])
    step = case.steps.get(regime="nis2_art23", step="early_warning")
    url = ORG + f"cases/{case.pk}/steps/{step}/done/"
    done_at = timezone.now().isoformat()
    response = client.post(url, {"done_at": done_at, "reference": " CERT-123 "}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["reference"] == "CERT-123"
    assert response.json()["done_by"]["email"] == "admin@a.test"
    assert response.json()["overdue"] is False
    again = client.post(url, {"done_at": done_at}, format="json")
    assert again.status_code == 400
    assert client.post(ORG + f"cases/{case.pk}/steps/nis2_art23.nothing/done/").status_code == 404
    before = client.post(
        ORG + f"cases/{case.pk}/steps/nis2_art23.notification/done/",
        {"done_at": "2025-01-01T00:00:00+01:00"},
        format="json",
    )
    assert before.status_code == 400
    assert set(before.json()["errors"]) == {"done_at"}
    assert client.post(url, {"done_at": 12}, format="json").status_code == 400
    assert ClockStep.objects.get(pk=step.pk).reference == "CERT-123"


def test_say_when_you_became_aware(world: World) -> None:
    client = world.client(world.write_a)
    url = ORG + "cases/{case}/".format(**world.objects)
    case = Case.objects.get(pk=world.objects["case"])
    step = case.steps.get(regime="nis2_art23", step="notification")
    etag = client.get(url)["ETag"]
    aware = "2026-01-03T09:00:00+01:00"
    assert client.patch(url, {"aware_at": aware}, format="json").status_code == 428
    early = client.patch(
        url, {"aware_at": "2025-12-31T00:00:00Z"}, format="json", HTTP_IF_MATCH=etag
    )
    assert early.status_code == 400
    assert set(early.json()["errors"]) == {"aware_at"}
    response = client.patch(url, {"aware_at": aware}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert dt.datetime.fromisoformat(response.json()["aware_at"]) == dt.datetime.fromisoformat(
        aware
    )
    moved = ClockStep.objects.get(pk=step.pk)
    assert moved.due_at == dt.datetime.fromisoformat(aware) + dt.timedelta(hours=72)
    assert response["ETag"] != etag
    stale = client.patch(url, {"aware_at": aware}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    event = AuditEvent.objects.get(action="case.aware_at", object_id=str(case.pk))
    assert "via API token" in event.actor_label


def test_the_journal(world: World) -> None:
    client = world.client(world.write_a)
    url = ORG + "cases/{case}/notes/".format(**world.objects)
    assert client.get(url).json()["count"] == 0
    blank = client.post(url, {"text": " "}, format="json")
    assert blank.status_code == 400
    assert set(blank.json()["errors"]) == {"text"}
    response = client.post(url, {"text": " Ringde leverantören. "}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["text"] == "Ringde leverantören."
    assert response.json()["author"]["email"] == "admin@a.test"
    client.post(url, {"text": "Fick svar."}, format="json")
    with CaptureQueriesContext(connection) as few:
        notes = client.get(url).json()["results"]
    assert [note["text"] for note in notes] == ["Ringde leverantören.", "Fick svar."]
    assert "id" not in notes[0]
    assert AuditEvent.objects.filter(action="case.note", actor_label__contains="API token")
    # Ten more notes, by someone else: the journal costs the same.
    owner = make_member(world.personas.org_a, Role.SYSTEM_OWNER, "owner@a.test")
    case = Case.objects.get(pk=world.objects["case"])
    for number in range(10):
        services.case_note(acting_user=owner, case=case, text=f"Notering {number}")
    with CaptureQueriesContext(connection) as many:
        notes = client.get(url).json()["results"]
    authors = [note["author"]["email"] for note in notes]
    assert authors == ["admin@a.test"] * 2 + ["owner@a.test"] * 10
    assert len(many) == len(few)


def test_close_a_case(world: World) -> None:
    client = world.client(world.write_a)
    url = ORG + "cases/{case}/close/".format(**world.objects)
    services.case_set_aware(
        acting_user=world.personas.admin_a,
        case=Case.objects.get(pk=world.objects["case"]),
        aware_at=dt.datetime(2026, 1, 3, tzinfo=dt.UTC),
    )  # its deadlines have passed
    unexplained = client.post(url, {}, format="json")
    assert unexplained.status_code == 400
    assert set(unexplained.json()["errors"]) == {"reason"}
    assert Case.objects.get(pk=world.objects["case"]).status == "open"
    closed = client.post(url, {"reason": "Rapporterat per telefon"}, format="json")
    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == "closed"
    assert closed.json()["close_reason"] == "Rapporterat per telefon"
    assert closed.json()["closed_at"] is not None
    again = client.post(url, {"reason": "Igen"}, format="json")
    assert again.status_code == 400
    assert again.json()["errors"]["non_field_errors"]
    event = AuditEvent.objects.get(action="case.close", object_id=str(world.objects["case"]))
    assert "via API token" in event.actor_label


def test_another_organisation_s_case_is_404_before_the_input_is_checked(world: World) -> None:
    url = ORG + "cases/{case}/".format(**world.objects)
    writes: list[tuple[str, str, dict[str, object]]] = [
        ("patch", url, {}),  # no aware_at
        ("post", url + "close/", {"reason": ["?"]}),  # not a string
        ("post", url + "lesson/", {}),  # no text
    ]
    for client, status in ((world.client(world.write_b), 404), (world.client(world.write_a), 400)):
        for method, address, body in writes:
            response = getattr(client, method)(address, body, format="json")
            assert response.status_code == status, (address, response.json())


def _closed_case(world: World, title: str = "Intrång") -> Case:
    incident = services.incident_register(
        acting_user=world.personas.admin_a,
        via=ReportedVia.STAFF,
        supplier=Supplier.objects.get(pk=world.objects["supplier"]),
        title=title,
        description="Något hände",
        started_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        discovered_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
        severity="high",
    )
    case = incident.cases.get(organisation=world.personas.org_a)
    return services.case_close(acting_user=world.personas.admin_a, case=case, reason="Klart")


def test_publish_a_lesson_learned(world: World) -> None:
    client = world.client(world.write_a)
    url = ORG + "cases/{case}/lesson/".format(**world.objects)
    body = {"text": " Kräv loggning i avtalet. ", "no_personal_data": True}
    still_open = client.post(url, body, format="json")
    assert still_open.status_code == 400
    assert still_open.json()["errors"]["non_field_errors"]
    case = Case.objects.get(pk=world.objects["case"])
    services.case_close(acting_user=world.personas.admin_a, case=case, reason="Klart")
    unconfirmed = client.post(url, {"text": "Kräv loggning."}, format="json")
    assert unconfirmed.status_code == 400
    assert set(unconfirmed.json()["errors"]) == {"no_personal_data"}
    blank = client.post(url, {"text": " ", "no_personal_data": True}, format="json")
    assert set(blank.json()["errors"]) == {"text"}
    assert world.client(world.read_a).post(url, body, format="json").status_code == 403
    b = world.client(world.write_b)
    assert b.post(url, body, format="json").status_code == 404
    assert b.post(url.replace("org-a", "org-b"), body, format="json").status_code == 404
    assert not Lesson.objects.exists()
    response = client.post(url, body, format="json")
    assert response.status_code == 201, response.json()
    lesson = response.json()
    assert lesson["text"] == "Kräv loggning i avtalet."
    assert lesson["organisation"] is None  # not chosen
    assert lesson["case"] == str(case.pk)
    assert lesson["supplier"]["id"] == str(world.objects["supplier"])
    assert lesson["incident"] == "Intrång"
    event = AuditEvent.objects.get(action="case.lesson_publish", object_id=lesson["id"])
    assert "via API token" in event.actor_label
    again = client.post(url, body | {"text": "Igen"}, format="json")
    assert again.status_code == 400
    assert again.json()["errors"]["non_field_errors"]
    assert Lesson.objects.get().text == "Kräv loggning i avtalet."


def _lesson(world: World, title: str, *, shown: bool) -> None:
    services.lesson_publish(
        acting_user=world.personas.admin_a,
        case=_closed_case(world, title),
        text=f"Lärdom: {title}",
        show_organisation=shown,
        no_personal_data=True,
    )


def test_the_lessons_learned_of_every_organisation(world: World) -> None:
    for title, shown in (("Första", True), ("Andra", False), ("Tredje", False)):
        _lesson(world, title, shown=shown)
    others = world.client(world.write_b)
    listed = others.get("/api/v1/organisations/org-b/lessons/").json()
    assert [lesson["incident"] for lesson in listed["results"]] == ["Tredje", "Andra", "Första"]
    assert [lesson["organisation"] for lesson in listed["results"]] == [
        None,
        None,
        "Organisation A",
    ]
    assert {lesson["case"] for lesson in listed["results"]} == {None}  # not theirs
    own = world.client(world.read_a).get(ORG + "lessons/").json()["results"]
    assert all(lesson["case"] for lesson in own)
    supplier = ORG + "lessons/?supplier={supplier}".format(**world.objects)
    assert world.client(world.read_a).get(supplier).json()["count"] == 3
    elsewhere = world.client(world.read_a).get(ORG + "lessons/?supplier=" + str(Case().pk))
    assert elsewhere.json()["count"] == 0
    bad = world.client(world.read_a).get(ORG + "lessons/?supplier=x")
    assert set(bad.json()["errors"]) == {"supplier"}


def test_the_lessons_learned_cost_the_same_for_3_and_13_lessons(world: World) -> None:
    url = "/api/v1/organisations/org-b/lessons/"
    others = world.client(world.write_b)
    others.get(url)  # the token's first use records when it was used
    for title in ("Första", "Andra", "Tredje"):
        _lesson(world, title, shown=True)
    with CaptureQueriesContext(connection) as few:
        others.get(url)
    for number in range(10):
        _lesson(world, f"Intrång {number}", shown=True)
    with CaptureQueriesContext(connection) as many:
        listed = others.get(url).json()["results"]
    assert len(listed) == 13
    assert {lesson["organisation"] for lesson in listed} == {"Organisation A"}
    assert all(lesson["supplier"]["name"] and lesson["incident"] for lesson in listed)
    assert len(many) == len(few)


def test_notification_drafts(world: World) -> None:
    client = world.client(world.read_a)
    imy = client.get(ORG + "cases/{case}/drafts/imy/".format(**world.objects))
    assert imy.status_code == 200
    assert imy.json()["title"].startswith("Anmälan av personuppgiftsincident")
    assert imy.json()["sections"][0] == {
        "heading": "Personuppgiftsansvarig",
        "text": f"Organisation A ({world.personas.org_a.orgnr})",
    }
    assert "Personuppgiftsansvarig" in imy.json()["text"]
    certse = client.get(ORG + "cases/{case}/drafts/certse/".format(**world.objects))
    assert certse.json()["title"].startswith("Tidig varning")
    assert client.get(ORG + "cases/{case}/drafts/msb/".format(**world.objects)).status_code == 404


def test_the_impact_shows_only_the_organisation_s_own_part(world: World) -> None:
    supplier = Supplier.objects.get(pk=world.objects["supplier"])
    org_b = world.personas.org_b
    make_contract(org_b, supplier, assets=[make_asset(org_b, "B:s hemliga system", integrity=2)])
    response = world.client(world.read_a).get(ORG + "cases/{case}/impact/".format(**world.objects))
    assert response.status_code == 200
    impact = response.json()
    assert impact["supplier"] == {"orgnr": supplier.identifier, "name": supplier.name}
    assert [o["name"] for o in impact["organisations"]] == ["Organisation A"]
    assert impact["organisations"][0]["deadlines"]
    assert impact["totals"]["organisations"] == 2
    assert impact["totals"]["systems"] == 2
    assert "B:s hemliga system" not in response.content.decode()
    assert "Organisation B" not in response.content.decode()


def _case_with_a_step_done(world: World, supplier: Supplier) -> None:
    """A case registered through the API, its early warning marked done by admin_a."""
    body = _incident(supplier=str(supplier.pk))
    registered = world.client(world.write_a).post(ORG + "incidents/", body, format="json")
    assert registered.status_code == 201
    step = ClockStep.objects.select_related("case__incident").get(
        case=registered.json()["case"], regime="nis2_art23", step="early_warning"
    )
    services.step_done(
        acting_user=world.personas.admin_a, step=step, done_at=timezone.now(), reference=""
    )


def test_the_case_list_costs_the_same_for_2_and_12_cases(world: World) -> None:
    client = world.client(world.write_a)
    _case_with_a_step_done(world, Supplier.objects.get(pk=world.objects["supplier"]))
    with CaptureQueriesContext(connection) as few:
        cases = client.get(ORG + "cases/").json()
    assert cases["count"] == 2
    for _ in range(10):  # each at a supplier of its own
        _case_with_a_step_done(world, make_contract(world.personas.org_a).supplier)
    with CaptureQueriesContext(connection) as many:
        cases = client.get(ORG + "cases/").json()
    assert cases["count"] == 12
    assert len({case["incident"]["supplier"]["name"] for case in cases["results"]}) == 11
    assert all(case["steps"] and case["via_supplier"] for case in cases["results"])
    done = [step["done_by"] for case in cases["results"] for step in case["steps"]]
    assert [person["email"] for person in done if person] == ["admin@a.test"] * 11
    assert len(many) == len(few)
    assert client.get(ORG + "cases/", {"status": "closed"}).json()["count"] == 0


def test_the_impact_costs_the_same_for_2_and_12_organisations_hit(world: World) -> None:
    supplier = Supplier.objects.get(pk=world.objects["supplier"])
    hr = make_supplier("HR AB")  # uses the supplier: the incident reaches hr's customers too
    SubProcessor.objects.create(supplier=hr, subprocessor=supplier, service="Drift", country="SE")
    org_b = world.personas.org_b
    make_contract(org_b, hr, assets=[make_asset(org_b, integrity=2)])
    client = world.client(world.read_a)
    url = ORG + "cases/{case}/impact/".format(**world.objects)
    client.get(url)  # the token's first use records when it was used
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(10):
        customer = make_organisation()
        used = supplier if number % 2 else hr
        make_contract(customer, used, assets=[make_asset(customer, personal_data=True)])
    with CaptureQueriesContext(connection) as many:
        impact = client.get(url).json()
    assert impact["totals"]["organisations"] == 12
    assert impact["totals"]["systems"] == 12
    assert [o["name"] for o in impact["organisations"]] == ["Organisation A"]
    assert len(many) == len(few)
