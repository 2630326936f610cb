"""Registering an incident: cases in every organisation hit, mail through the worker, clocks,
privacy of each case, closing and lessons."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from tillit.assessments.models import Assessment
from tillit.audit.models import AuditEvent
from tillit.conftest import Personas
from tillit.followup.models import Kind
from tillit.followup.plan import follow_up_plan
from tillit.followup.tasks import retry_case_mail
from tillit.incidents import clocks, services
from tillit.incidents.models import Case, CaseStatus, Incident, Lesson, ReportedVia
from tillit.organisations.roles import Role
from tillit.suppliers.models import SubProcessor, Supplier
from tillit.testing import (
    make_assessment,
    make_asset,
    make_contract,
    make_member,
    make_supplier,
    make_user,
)

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _values(**changes: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "title": "Intrång i HR-systemet",
        "description": "Angripare kom åt kunddata.",
        "started_at": now - dt.timedelta(days=2),
        "discovered_at": now - dt.timedelta(days=1),
        "affected_services": "Personalsystem",
        "data_categories": "Namn, personnummer, sjukfrånvaro",
        "severity": "critical",
        "sources": "Leverantörens mejl",
    } | changes


@pytest.fixture
def hosting(personas: Personas) -> Supplier:
    """A hosting supplier used by A's HR supplier (a sub-processor) and directly by B."""
    hr, hosting = make_supplier("HR AB"), make_supplier("Hosting AB")
    SubProcessor.objects.create(supplier=hr, subprocessor=hosting, service="Drift", country="SE")
    make_member(personas.org_a, Role.DATA_PROTECTION_OFFICER, "dso@a.test")
    asset = make_asset(personas.org_a, "Lön", confidentiality=3, personal_data=True)
    make_contract(personas.org_a, hr, assets=[asset])
    make_contract(personas.org_b, hosting, assets=[make_asset(personas.org_b, integrity=1)])
    return hosting


def _register(personas: Personas, supplier: Supplier, capture: Capture) -> Incident:
    with capture(execute=True):
        return services.incident_register(
            acting_user=personas.coordinator_b,
            via=ReportedVia.STAFF,
            supplier=supplier,
            reporting_organisation=personas.org_b,
            **_values(),
        )


def test_every_organisation_hit_gets_a_case_and_a_mail(
    personas: Personas, hosting: Supplier, django_capture_on_commit_callbacks: Capture
) -> None:
    incident = _register(personas, hosting, django_capture_on_commit_callbacks)
    cases = {case.organisation: case for case in incident.cases.all()}
    assert set(cases) == {personas.org_a, personas.org_b}
    assert cases[personas.org_a].path == ["HR AB", "Hosting AB"]
    assert cases[personas.org_a].via_supplier.name == "HR AB"
    steps = set(cases[personas.org_a].steps.values_list("regime", "step"))
    assert ("gdpr_art33", "notification") in steps  # personal data
    assert ("nis2_art23", "early_warning") in steps  # a municipality under NIS2
    # A's data protection officer and A's security address are told; B's coordinator too.
    told = {tuple(m.to) for m in mail.outbox}
    assert ("dso@a.test",) in told
    assert (personas.org_a.security_email,) in told
    assert ("coordinator@b.test",) in told
    assert all(case.mail_sent_at is not None for case in incident.cases.all())
    a_mail = next(m for m in mail.outbox if m.to == ["dso@a.test"])
    assert "HR AB → Hosting AB" in str(a_mail.body)
    assert reverse("case-detail", args=["org-a", cases[personas.org_a].pk]) in str(a_mail.body)


def test_a_failed_mail_is_retried_by_the_follow_up_tick(
    personas: Personas,
    hosting: Supplier,
    django_capture_on_commit_callbacks: Capture,
    settings: Any,
) -> None:
    settings.EMAIL_BACKEND = "tillit.followup.tests.failing.FailingBackend"
    incident = _register(personas, hosting, django_capture_on_commit_callbacks)  # task fails
    assert incident.cases.filter(mail_sent_at__isnull=True).count() == 2  # nothing lost
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    retry_case_mail(older_than=dt.timedelta(0))
    assert not incident.cases.filter(mail_sent_at__isnull=True).exists()
    assert any(m.to == ["dso@a.test"] for m in mail.outbox)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": " "}, "title"),
        ({"severity": "catastrophic"}, "severity"),
        ({"discovered_at": timezone.now() + dt.timedelta(hours=2)}, "discovered_at"),
        (
            {"started_at": timezone.now(), "discovered_at": timezone.now() - dt.timedelta(days=1)},
            "discovered_at",
        ),
    ],
)
def test_bad_incident_input_changes_nothing(
    personas: Personas, hosting: Supplier, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        services.incident_register(
            acting_user=personas.coordinator_b,
            via=ReportedVia.STAFF,
            supplier=hosting,
            **_values(**changes),
        )
    assert field in raised.value.message_dict
    assert not Incident.objects.exists()
    assert not Case.objects.exists()


def test_awareness_moves_the_clocks_and_must_be_plausible(
    personas: Personas, hosting: Supplier, django_capture_on_commit_callbacks: Capture
) -> None:
    incident = _register(personas, hosting, django_capture_on_commit_callbacks)
    case = incident.cases.get(organisation=personas.org_a)
    earlier = timezone.now() - dt.timedelta(hours=30)
    services.case_set_aware(acting_user=personas.admin_a, case=case, aware_at=earlier)
    early = case.steps.get(regime="nis2_art23", step="early_warning")
    assert early.due_at == earlier + dt.timedelta(hours=24)
    assert services.overdue_steps(case, timezone.now()) == [early]
    with pytest.raises(ValidationError, match="future"):
        services.case_set_aware(
            acting_user=personas.admin_a, case=case, aware_at=timezone.now() + dt.timedelta(days=1)
        )
    with pytest.raises(ValidationError, match="before the incident began"):
        services.case_set_aware(
            acting_user=personas.admin_a,
            case=case,
            aware_at=incident.started_at - dt.timedelta(minutes=1),
        )
    case.refresh_from_db()
    assert case.aware_at == earlier


def test_marking_the_notification_done_moves_the_final_report(
    personas: Personas, hosting: Supplier, django_capture_on_commit_callbacks: Capture
) -> None:
    incident = _register(personas, hosting, django_capture_on_commit_callbacks)
    case = incident.cases.get(organisation=personas.org_a)
    notification = case.steps.get(regime="nis2_art23", step="notification")
    done = timezone.now() - dt.timedelta(hours=1)
    services.step_done(
        acting_user=personas.admin_a, step=notification, done_at=done, reference="CERT-2025-17"
    )
    final = case.steps.get(regime="nis2_art23", step="final_report")
    nis2 = next(r for r in clocks.regimes() if r.key == "nis2_art23")
    assert final.due_at == clocks.due(done, nis2.step("final_report"))  # a month after it
    assert final.due_at > done + dt.timedelta(days=27)
    with pytest.raises(ValidationError, match="already marked done"):
        services.step_done(
            acting_user=personas.admin_a, step=notification, done_at=done, reference=""
        )


def test_closing_with_missed_deadlines_needs_a_reason(
    personas: Personas, hosting: Supplier, django_capture_on_commit_callbacks: Capture
) -> None:
    incident = _register(personas, hosting, django_capture_on_commit_callbacks)
    case = incident.cases.get(organisation=personas.org_a)
    services.case_set_aware(
        acting_user=personas.admin_a, case=case, aware_at=incident.discovered_at
    )
    with pytest.raises(ValidationError, match="Say why"):
        services.case_close(acting_user=personas.admin_a, case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    services.case_close(
        acting_user=personas.admin_a, case=case, reason="Anmält via telefon till CERT-SE."
    )
    assert case.status == CaseStatus.CLOSED


def test_lessons_are_shared_only_after_closing_and_without_personal_data(
    personas: Personas, hosting: Supplier, django_capture_on_commit_callbacks: Capture
) -> None:
    incident = _register(personas, hosting, django_capture_on_commit_callbacks)
    case = incident.cases.get(organisation=personas.org_b)
    text = "Kräv loggning hos underbiträden."
    with pytest.raises(ValidationError, match="once the case is closed"):
        services.lesson_publish(
            acting_user=personas.coordinator_b,
            case=case,
            text=text,
            show_organisation=False,
            no_personal_data=True,
        )
    services.case_close(acting_user=personas.coordinator_b, case=case, reason="Klart")
    with pytest.raises(ValidationError):
        services.lesson_publish(
            acting_user=personas.coordinator_b,
            case=case,
            text=text,
            show_organisation=False,
            no_personal_data=False,
        )
    services.lesson_publish(
        acting_user=personas.coordinator_b,
        case=case,
        text=text,
        show_organisation=False,
        no_personal_data=True,
    )
    # Every organisation sees it, without B's name.
    page = personas.client(personas.admin_a).get(reverse("lesson-feed", args=["org-a"]))
    text = page.content.decode()
    assert "Kräv loggning hos underbiträden." in text
    assert personas.org_b.name not in text
    assert Lesson.objects.count() == 1
    # And on the supplier's page.
    supplier_page = personas.client(personas.coordinator_b).get(
        reverse("supplier-detail", args=["org-b", hosting.pk])
    )
    assert "Kräv loggning hos underbiträden." in supplier_page.content.decode()


def test_a_case_is_private_to_its_organisation(
    personas: Personas, hosting: Supplier, django_capture_on_commit_callbacks: Capture
) -> None:
    incident = _register(personas, hosting, django_capture_on_commit_callbacks)
    case_a = incident.cases.get(organisation=personas.org_a)
    services.case_note(
        acting_user=personas.admin_a, case=case_a, text="Vi stänger integrationen i kväll."
    )
    client_b = personas.client(personas.coordinator_b)
    # B can reach neither A's case under A nor under its own address.
    assert client_b.get(reverse("case-detail", args=["org-a", case_a.pk])).status_code == 404
    assert client_b.get(reverse("case-detail", args=["org-b", case_a.pk])).status_code == 404
    own = incident.cases.get(organisation=personas.org_b)
    page = client_b.get(reverse("case-detail", args=["org-b", own.pk])).content.decode()
    assert "Vi stänger integrationen" not in page
    assert "Lön" not in page  # A's system
    # A sees its own note in its timeline, which is its part of the audit log.
    page_a = personas.client(personas.admin_a).get(
        reverse("case-detail", args=["org-a", case_a.pk])
    )
    assert "Vi stänger integrationen i kväll." in page_a.content.decode()
    assert AuditEvent.objects.filter(action="case.note", organisation_id=personas.org_a.id)


def test_staff_report_through_the_form(personas: Personas, hosting: Supplier) -> None:
    client = personas.client(personas.coordinator_b)
    now = timezone.localtime()
    form = {
        "supplier_orgnr": hosting.orgnr,
        "title": "Driftstörning och misstänkt intrång",
        "description": "Okänd aktör i driftmiljön.",
        "started_at": (now - dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M"),
        "discovered_at": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "severity": "high",
    }
    response = client.post(reverse("incident-report", args=["org-b"]), form)
    case = Case.objects.get(organisation=personas.org_b)
    assert response["Location"] == reverse("case-detail", args=["org-b", case.pk])
    assert Case.objects.count() == 2
    unknown = client.post(
        reverse("incident-report", args=["org-b"]), form | {"supplier_orgnr": "556000-0008"}
    )
    assert unknown.status_code == 200
    # Midnight on 1 January of year 1 in Swedish time is year 0 in UTC: a server error before.
    ancient = client.post(
        reverse("incident-report", args=["org-b"]),
        form | {"started_at": "0001-01-01T00:00", "discovered_at": "0001-01-01T00:30"},
    )
    assert ancient.context["form"].errors == {
        name: ["Ange ett datum mellan 1900-01-01 och 2199-12-31."]
        for name in ("started_at", "discovered_at")
    }
    assert Incident.objects.count() == 1
    assert (
        personas.client(personas.reader_a)
        .post(reverse("incident-report", args=["org-a"]), form)
        .status_code
        == 403
    )


def test_an_incident_calls_for_a_reassessment_of_the_suppliers_own_supplier(
    personas: Personas, hosting: Supplier, django_capture_on_commit_callbacks: Capture
) -> None:
    incident = _register(personas, hosting, django_capture_on_commit_callbacks)
    case = incident.cases.get(organisation=personas.org_a)
    today = timezone.localdate()
    items = [
        i for i in follow_up_plan(personas.org_a, today) if i.kind == Kind.INCIDENT_REASSESSMENT
    ]
    assert [(i.params["supplier"], i.due) for i in items] == [
        ("HR AB", today + dt.timedelta(days=30))
    ]
    assessment = make_assessment(personas.org_a, supplier=case.via_supplier)
    Assessment.objects.filter(pk=assessment.pk).update(
        status="completed", completed_at=timezone.now()
    )
    assert Kind.INCIDENT_REASSESSMENT not in {i.kind for i in follow_up_plan(personas.org_a, today)}


def test_the_operator_registers_and_sees_the_reach(
    personas: Personas, hosting: Supplier, django_capture_on_commit_callbacks: Capture
) -> None:
    operator = make_user("operator@tillit.test", is_superuser=True)
    client = personas.client(operator)
    now = timezone.localtime()
    form = {
        "supplier_orgnr": hosting.orgnr,
        "title": "Läcka hos driftleverantören",
        "description": "Data publicerad på en läcksajt.",
        "started_at": (now - dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "discovered_at": (now - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "severity": "critical",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("operator-incidents"), form)
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.reported_via == ReportedVia.OPERATOR
    page = client.get(reverse("operator-incidents")).content.decode()
    assert "Läcka hos driftleverantören" in page
    assert "<td>2</td>" in page  # two organisations hit
    assert "Lön" not in page  # nothing of what they hold
    assert personas.client(personas.admin_a).get(reverse("operator-incidents")).status_code == 403


def test_draft_notifications_are_filled_from_the_case(
    personas: Personas, hosting: Supplier, django_capture_on_commit_callbacks: Capture
) -> None:
    incident = _register(personas, hosting, django_capture_on_commit_callbacks)
    case = incident.cases.get(organisation=personas.org_a)
    services.case_note(acting_user=personas.admin_a, case=case, text="Lösenord byts <script>")
    client = personas.client(personas.admin_a)
    imy = client.get(reverse("case-draft", args=["org-a", case.pk, "imy", "txt"]))
    assert imy["Content-Type"] == "text/plain; charset=utf-8"
    assert imy["Content-Disposition"].startswith('attachment; filename="imy-')
    text = imy.content.decode()
    assert personas.org_a.orgnr in text
    assert "HR AB → Hosting AB" in text
    assert "Lön" in text  # the system hit
    assert "Lösenord byts <script>" in text  # the measures from the journal, as written
    assert "dso@a.test" in text  # the contact point
    certse = client.get(reverse("case-draft", args=["org-a", case.pk, "certse", "txt"]))
    assert "Tidig varning" in certse.content.decode()
    pdf = client.get(reverse("case-draft", args=["org-a", case.pk, "imy", "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    extracted = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Personuppgiftsansvarig" in extracted
    assert "Lösenord byts <script>" in extracted  # escaped into the HTML, shown as text
    assert client.get(
        reverse("case-draft", args=["org-a", case.pk, "imy", "docx"])
    ).status_code == (404)
    assert client.get(
        reverse("case-draft", args=["org-a", case.pk, "nope", "txt"])
    ).status_code == (404)
