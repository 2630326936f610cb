"""The incident list pages cost the same number of queries however many rows they show: an
organisation's cases, the lessons learned, and the operator's incidents with their reach."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tillit.accounts.models import User
from tillit.conftest import Personas
from tillit.incidents import services
from tillit.incidents.models import Incident, ReportedVia
from tillit.incidents.tests.test_cases import _values
from tillit.organisations.models import Organisation
from tillit.testing import make_contract, make_supplier, make_user


def _incident(personas: Personas, *organisations: Organisation) -> Incident:
    """An incident at a new supplier of each organisation given."""
    supplier = make_supplier()
    for organisation in organisations:
        make_contract(organisation, supplier)
    return services.incident_register(
        acting_user=personas.admin_a,
        via=ReportedVia.STAFF,
        supplier=supplier,
        **_values(title=f"Intrång hos {supplier.name}"),
    )


def _lesson(personas: Personas, organisation: Organisation, user: User) -> None:
    """A lesson, under the organisation's name, from a closed case at a new supplier."""
    case = _incident(personas, organisation).cases.get()
    services.case_close(acting_user=user, case=case, reason="Klart")
    services.lesson_publish(
        acting_user=user,
        case=case,
        text="Kräv loggning i avtalet.",
        show_organisation=True,
        no_personal_data=True,
    )


def test_the_case_list_costs_the_same_for_2_and_12_cases(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    url = reverse("case-list", args=["org-a"])
    for _ in range(2):
        _incident(personas, personas.org_a)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(10):
        _incident(personas, personas.org_a)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    content = response.content.decode()
    assert content.count('href="/o/org-a/cases/') == 12
    assert content.count("<td>Supplier ") == 12  # each incident's supplier
    assert len(many) == len(few)


def test_the_lesson_feed_costs_the_same_for_2_and_12_lessons(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    url = reverse("lesson-feed", args=["org-a"])
    for _ in range(2):
        _lesson(personas, personas.org_b, personas.coordinator_b)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        _lesson(personas, personas.org_a, personas.admin_a)
        _lesson(personas, personas.org_b, personas.coordinator_b)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    content = response.content.decode()
    assert content.count("<h2>Supplier ") == 12  # each lesson's supplier and incident
    assert content.count("Organisation B</p>") == 7  # the publisher's name
    assert content.count("Organisation A</p>") == 5
    assert len(many) == len(few)


def test_the_operator_s_incidents_cost_the_same_for_2_and_12_incidents(
    personas: Personas,
) -> None:
    client = personas.client(make_user("operator@tillit.test", is_superuser=True))
    url = reverse("operator-incidents")

    def hit_both_and_closed_by_b() -> None:
        incident = _incident(personas, personas.org_a, personas.org_b)
        case = incident.cases.get(organisation=personas.org_b)
        services.case_close(acting_user=personas.coordinator_b, case=case, reason="Klart")

    for _ in range(2):
        hit_both_and_closed_by_b()
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(10):
        hit_both_and_closed_by_b()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    content = response.content.decode()
    assert content.count("<td>Supplier ") == 12
    assert content.count("<td>2</td><td>1</td></tr>") == 12  # two hit, one closed
    assert len(many) == len(few)
