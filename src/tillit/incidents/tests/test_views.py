"""The incident pages cost the same number of queries however many rows they show: an
organisation's cases, the lessons learned, the operator's incidents with their reach, and a
case with its clocks, timeline and what it hits."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tillit.accounts.models import User
from tillit.conftest import Personas
from tillit.incidents import services
from tillit.incidents.models import Incident, ReportedVia
from tillit.incidents.tests.test_cases import _values
from tillit.organisations.models import Organisation, OrganisationKind
from tillit.testing import make_asset, make_contract, make_organisation, make_supplier, make_user


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


def test_a_case_costs_the_same_with_3_steps_as_with_7_steps_notes_and_12_systems(
    personas: Personas,
) -> None:
    client = personas.client(personas.admin_a)
    # A system without personal data: only the NIS2 clocks (A is an essential entity).
    few_supplier = make_supplier()
    make_contract(personas.org_a, few_supplier, assets=[make_asset(personas.org_a, integrity=1)])
    few_case = services.incident_register(
        acting_user=personas.admin_a, via=ReportedVia.STAFF, supplier=few_supplier, **_values()
    ).cases.get()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("case-detail", args=["org-a", few_case.pk]))

    # A state agency holding sensitive personal data gets every clock; the supplier also
    # serves ten other organisations, and the case fills up with notes and steps done.
    Organisation.objects.filter(pk=personas.org_a.pk).update(kind=OrganisationKind.AGENCY)
    supplier = make_supplier()
    systems = [
        make_asset(personas.org_a, f"Lön {n}", personal_data=True, sensitive_data=True)
        for n in range(12)
    ]
    make_contract(personas.org_a, supplier, assets=systems)
    for _ in range(10):
        other = make_organisation()
        make_contract(other, supplier, assets=[make_asset(other, confidentiality=1)])
    case = services.incident_register(
        acting_user=personas.admin_a, via=ReportedVia.STAFF, supplier=supplier, **_values()
    ).cases.get(organisation=personas.org_a)
    for step in case.steps.select_related("case__incident"):
        services.step_done(
            acting_user=personas.admin_a,
            step=step,
            done_at=timezone.now(),
            reference=f"Diarienummer {step.pk}",
        )
    for n in range(10):
        services.case_note(acting_user=personas.admin_a, case=case, text=f"Anteckning {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("case-detail", args=["org-a", case.pk]))

    content = response.content.decode()
    assert content.count("(Diarienummer ") == 7  # every clock step, each marked done
    assert content.count("case.note – Anteckning ") == 10  # the timeline
    assert content.count("<tr><td>Lön ") == 12  # the systems hit
    assert "berör incidenten 11 organisationer, 22 system" in content  # the totals
    assert len(many) == len(few)
