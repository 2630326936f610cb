"""Reads for incidents: an organisation's cases, a case's clocks and timeline."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet

from tillit.accounts.models import User
from tillit.audit.models import AuditEvent
from tillit.incidents import clocks
from tillit.incidents.models import Case, CaseStatus, ClockStep, Incident, Lesson
from tillit.lib.orgnr import normalise_orgnr
from tillit.organisations.models import Membership, Organisation
from tillit.organisations.roles import Role
from tillit.suppliers.models import Supplier


def cases_of(organisation: Organisation) -> QuerySet[Case]:
    return Case.objects.filter(organisation=organisation).select_related("incident__supplier")


def case_steps(case: Case) -> list[tuple[ClockStep, clocks.Regime, clocks.Step]]:
    by_key = {regime.key: regime for regime in clocks.regimes()}
    return [
        (step, by_key[step.regime], by_key[step.regime].step(step.step))
        for step in case.steps.all()
    ]


def timeline(case: Case) -> QuerySet[AuditEvent]:
    """Who did what when in the case: its part of the (append-only) audit log."""
    steps = [str(pk) for pk in case.steps.values_list("pk", flat=True)]
    entries = [str(pk) for pk in case.entries.values_list("pk", flat=True)]
    return (
        AuditEvent.objects.filter(organisation_id=case.organisation_id)
        .filter(
            Q(object_type="incidents.case", object_id=str(case.pk))
            | Q(object_type="incidents.clockstep", object_id__in=steps)
            | Q(object_type="incidents.caseentry", object_id__in=entries)
            | Q(object_type="incidents.lesson", object_id__in=[str(case.pk)])
        )
        .order_by("id")
    )


def recipients(organisation: Organisation) -> list[User]:
    """Who is told of a new case: the security coordinators and data protection officers."""
    roles = (Role.SECURITY_COORDINATOR, Role.DATA_PROTECTION_OFFICER)
    members = Membership.objects.filter(
        organisation=organisation, role__in=roles, user__is_active=True
    ).select_related("user")
    return sorted({m.user for m in members}, key=lambda user: user.email)


def lessons() -> QuerySet[Lesson]:
    return Lesson.objects.select_related("supplier", "case__organisation", "case__incident")


def supplier_by_identifier(identifier: str) -> Supplier | None:
    """A supplier by Swedish organisationsnummer, or by a foreign registration number."""
    try:
        return Supplier.objects.filter(orgnr=normalise_orgnr(identifier)).first()
    except ValidationError:
        return Supplier.objects.filter(registration_number=identifier.strip()).first()


def incidents_with_reach() -> QuerySet[Incident]:
    """Every incident with how many organisations it hit and how many have closed their case."""
    return (
        Incident.objects.select_related("supplier")
        .annotate(
            organisations=Count("cases", distinct=True),
            closed=Count("cases", filter=Q(cases__status=CaseStatus.CLOSED), distinct=True),
        )
        .order_by("-discovered_at")
    )
