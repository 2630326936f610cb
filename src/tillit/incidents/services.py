"""Writes for incidents: registering one (which opens a case in every organisation it hits and
tells them), the clocks of a case, its journal, closing it, and lessons learned."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.accounts.models import User
from tillit.audit.services import audit_record, diff
from tillit.incidents import clocks
from tillit.incidents.impact import Affected, impact
from tillit.incidents.models import (
    Case,
    CaseEntry,
    CaseStatus,
    ClockStep,
    Incident,
    IncidentStatus,
    Lesson,
    ReportedVia,
    Severity,
)
from tillit.incidents.tasks import notify_case
from tillit.organisations.models import Organisation
from tillit.suppliers.models import Supplier

# Clocks of the reporter and of Tillit may differ a little; more than this is a mistake.
CLOCK_SKEW = dt.timedelta(minutes=5)

INCIDENT_FIELDS = [
    "title",
    "description",
    "started_at",
    "discovered_at",
    "affected_services",
    "data_categories",
    "severity",
    "sources",
]


def _check_incident(values: dict[str, Any], now: dt.datetime) -> None:
    errors: dict[str, str] = {}
    if not str(values.get("title", "")).strip():
        errors["title"] = _("Give the incident a title.")
    if not str(values.get("description", "")).strip():
        errors["description"] = _("Describe what happened.")
    if values.get("severity") not in Severity.values:
        errors["severity"] = _("Choose a severity.")
    started, discovered = values.get("started_at"), values.get("discovered_at")
    if started is None:
        errors["started_at"] = _("Say when it started (an estimate will do).")
    if discovered is None:
        errors["discovered_at"] = _("Say when it was discovered.")
    if started and discovered and discovered < started:
        errors["discovered_at"] = _("It cannot have been discovered before it started.")
    if discovered and discovered > now + CLOCK_SKEW:
        errors["discovered_at"] = _("The time of discovery is in the future.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def incident_register(
    *,
    acting_user: User | None,
    actor_label: str = "",
    via: ReportedVia,
    supplier: Supplier,
    reporting_organisation: Organisation | None = None,
    **values: Any,
) -> Incident:
    """Record an incident at a supplier, open a case in every organisation it hits (through
    sub-processors too) with its clocks, and tell each of them through the worker."""
    unknown = values.keys() - set(INCIDENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown incident fields: {', '.join(sorted(unknown))}")
    now = timezone.now()
    _check_incident(values, now)
    reporter = actor_label or (acting_user.email if acting_user else "system")
    incident = Incident.objects.create(
        supplier=supplier,
        reported_via=via,
        reported_by=reporter,
        reporting_organisation=reporting_organisation,
        status=IncidentStatus.SUSPECTED,
        **{k: v.strip() if isinstance(v, str) else v for k, v in values.items()},
    )
    found = impact(supplier)
    audit_record(
        actor=acting_user,
        actor_label=actor_label,
        organisation_id=reporting_organisation.id if reporting_organisation else None,
        action="incident.register",
        obj=incident,
        changes=diff(
            {},
            {
                "supplier": supplier.identifier,
                "title": incident.title,
                "via": via,
                "organisations_hit": len(found.organisations),
            },
        ),
    )
    cases = [_case_open(incident, affected, now) for affected in found.organisations]
    case_ids = [case.pk for case in cases]
    transaction.on_commit(lambda: [notify_case.enqueue(str(pk)) for pk in case_ids])
    return incident


def _impact_record(affected: Affected) -> dict[str, Any]:
    return {
        "systems": [asdict(system) for system in affected.systems],
        "contracts": [
            asdict(contract)
            | {
                "agreement_signed": contract.agreement_signed.isoformat()
                if contract.agreement_signed
                else None
            }
            for contract in affected.contracts
        ],
        "data_subjects": affected.data_subjects,
        "protected_identities": affected.protected_identities,
        "facts": asdict(affected.facts),
    }


def _case_open(incident: Incident, affected: Affected, now: dt.datetime) -> Case:
    case = Case.objects.create(
        incident=incident,
        organisation_id=affected.organisation_id,
        path=affected.path,
        via_supplier_id=affected.via_supplier_id or incident.supplier_id,
        impact=_impact_record(affected),
        notified_at=now,
        aware_at=now,
    )
    position = 0
    steps = []
    for regime in clocks.applicable(affected.facts):
        for step, due in clocks.schedule(regime, now, {}).items():
            position += 1
            steps.append(
                ClockStep(case=case, regime=regime.key, step=step, position=position, due_at=due)
            )
    ClockStep.objects.bulk_create(steps)
    audit_record(
        actor=None,
        actor_label="Tillit",
        organisation_id=affected.organisation_id,
        action="case.open",
        obj=case,
        changes=diff(
            {},
            {
                "incident": incident.title,
                "path": affected.path,
                "clocks": [f"{s.regime}.{s.step}" for s in steps],
            },
        ),
    )
    return case


# -- The clocks of a case ---------------------------------------------------------------------


def _reschedule(case: Case) -> None:
    """Recompute the due time of every step not yet done, from awareness and done steps."""
    steps = list(case.steps.all())
    for regime in clocks.regimes():
        mine = [s for s in steps if s.regime == regime.key]
        if not mine:
            continue
        done = {s.step: s.done_at for s in mine if s.done_at is not None}
        times = clocks.schedule(regime, case.aware_at, done)
        for step in mine:
            if step.done_at is None and step.due_at != times[step.step]:
                step.due_at = times[step.step]
                step.save(update_fields=["due_at"])


@transaction.atomic
def case_set_aware(*, acting_user: User, case: Case, aware_at: dt.datetime) -> Case:
    """When the organisation became aware; every clock counts from it."""
    now = timezone.now()
    if aware_at > now + CLOCK_SKEW:
        raise ValidationError({"aware_at": _("That time is in the future.")})
    if aware_at < case.incident.started_at:
        raise ValidationError(
            {"aware_at": _("The organisation cannot have become aware before the incident began.")}
        )
    before = case.aware_at
    case.aware_at = aware_at
    case.save(update_fields=["aware_at"])
    _reschedule(case)
    audit_record(
        actor=acting_user,
        organisation_id=case.organisation_id,
        action="case.aware_at",
        obj=case,
        changes=diff({"aware_at": before.isoformat()}, {"aware_at": aware_at.isoformat()}),
    )
    return case


@transaction.atomic
def step_done(
    *, acting_user: User, step: ClockStep, done_at: dt.datetime, reference: str
) -> ClockStep:
    """Mark a step done (a report sent), with when and the recipient's reference number."""
    if step.done_at is not None:
        raise ValidationError(_("This step is already marked done."))
    if done_at > timezone.now() + CLOCK_SKEW:
        raise ValidationError({"done_at": _("That time is in the future.")})
    if done_at < step.case.incident.started_at:
        raise ValidationError({"done_at": _("That is before the incident began.")})
    step.done_at, step.reference, step.done_by = done_at, reference.strip(), acting_user
    step.save(update_fields=["done_at", "reference", "done_by"])
    _reschedule(step.case)
    audit_record(
        actor=acting_user,
        organisation_id=step.case.organisation_id,
        action="case.step_done",
        obj=step,
        changes=diff(
            {},
            {
                "step": f"{step.regime}.{step.step}",
                "done_at": done_at.isoformat(),
                "reference": step.reference,
            },
        ),
    )
    return step


@transaction.atomic
def case_note(*, acting_user: User, case: Case, text: str) -> CaseEntry:
    if not text.strip():
        raise ValidationError({"text": _("Write the note.")})
    entry = CaseEntry.objects.create(case=case, text=text.strip(), author=acting_user)
    audit_record(
        actor=acting_user,
        organisation_id=case.organisation_id,
        action="case.note",
        obj=entry,
        changes=diff({}, {"text": entry.text}),
    )
    return entry


def overdue_steps(case: Case, now: dt.datetime) -> list[ClockStep]:
    return [s for s in case.steps.all() if s.done_at is None and s.due_at < now]


@transaction.atomic
def case_close(*, acting_user: User, case: Case, reason: str = "") -> Case:
    """Close the case. With steps overdue and not done, only with a written reason."""
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("The case is already closed."))
    overdue = overdue_steps(case, timezone.now())
    if overdue and not reason.strip():
        raise ValidationError(
            {
                "reason": _(
                    "Some deadlines have passed without being marked done (%(steps)s). Say why "
                    "the case is closed anyway."
                )
                % {"steps": ", ".join(f"{s.regime}.{s.step}" for s in overdue)}
            }
        )
    case.status, case.closed_at, case.close_reason = CaseStatus.CLOSED, timezone.now(), reason
    case.save(update_fields=["status", "closed_at", "close_reason"])
    audit_record(
        actor=acting_user,
        organisation_id=case.organisation_id,
        action="case.close",
        obj=case,
        changes=diff({"status": CaseStatus.OPEN}, {"status": case.status, "reason": reason}),
    )
    return case


@transaction.atomic
def lesson_publish(
    *,
    acting_user: User,
    case: Case,
    text: str,
    show_organisation: bool,
    no_personal_data: bool,
) -> Lesson:
    """Share what the organisation learnt with every organisation on the instance."""
    if case.status != CaseStatus.CLOSED:
        raise ValidationError(_("Lessons are published once the case is closed."))
    if hasattr(case, "lesson"):
        raise ValidationError(_("The lessons of this case are already published."))
    if not text.strip():
        raise ValidationError({"text": _("Write what you learnt.")})
    if not no_personal_data:
        raise ValidationError(
            {"no_personal_data": _("Confirm that the text holds no personal data.")}
        )
    lesson = Lesson.objects.create(
        case=case,
        supplier=case.incident.supplier,
        text=text.strip(),
        show_organisation=show_organisation,
    )
    audit_record(
        actor=acting_user,
        organisation_id=case.organisation_id,
        action="case.lesson_publish",
        obj=lesson,
        changes=diff({}, {"text": lesson.text, "show_organisation": show_organisation}),
    )
    return lesson
