"""Writes to the risk register: risks, their acceptance and the organisation's risk settings.
Validated, atomic, audit-logged.

Who may accept: at or below the organisation's risk appetite any editor; above it only someone
with Permission.ACCEPT_RISK (management and administrators), with a written reason. The same
permission sets the appetite, or an editor could raise it to accept anything.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tillit.accounts.models import User
from tillit.audit.services import audit_record, diff, snapshot
from tillit.organisations.models import Membership, Organisation
from tillit.organisations.roles import Permission
from tillit.risks.matrix import MATRICES, Matrix, rescale, size_label
from tillit.risks.models import Risk, RiskSettings, RiskStatus, Treatment
from tillit.risks.selectors import settings_of
from tillit.suppliers.models import SupplierRelation

LINKS = ["supplier", "contract", "asset", "finding", "case"]
VALUES = [
    "inherent_likelihood",
    "inherent_consequence",
    "residual_likelihood",
    "residual_consequence",
]
RISK_FIELDS = [
    "title",
    "description",
    *LINKS,
    *VALUES,
    "treatment",
    "measures",
    "owner",
    "due_on",
    "review_on",
    "status",
]
ACCEPTANCE_FIELDS = ["accepted_on", "accepted_by", "acceptance_reason"]
_AUDITED = [*RISK_FIELDS, *ACCEPTANCE_FIELDS]


def _check_links(risk: Risk, errors: dict[str, list[str]]) -> None:
    organisation_id = risk.organisation_id
    if (
        risk.supplier_id
        and not SupplierRelation.objects.filter(
            organisation_id=organisation_id, supplier_id=risk.supplier_id
        ).exists()
    ):
        errors["supplier"] = [_("Choose one of the organisation's suppliers.")]
    for name in ("contract", "asset", "finding", "case"):
        linked = getattr(risk, name)
        if linked is not None and linked.organisation_id != organisation_id:
            errors[name] = [_("This belongs to another organisation.")]
    if (
        risk.contract is not None
        and risk.supplier_id
        and "contract" not in errors
        and risk.contract.supplier_id != risk.supplier_id
    ):
        errors["contract"] = [_("The contract is with another supplier.")]
    if (
        risk.owner_id
        and not Membership.objects.filter(
            organisation_id=organisation_id, user_id=risk.owner_id
        ).exists()
    ):
        errors["owner"] = [_("The owner must be a member of the organisation.")]


def _check_values(risk: Risk, matrix: Matrix, errors: dict[str, list[str]]) -> None:
    for name in VALUES:
        if not matrix.valid(getattr(risk, name)):
            errors[name] = [
                _("Choose a value from 1 to %(size)s on the organisation's matrix.")
                % {"size": matrix.size}
            ]
    if errors.keys() & set(VALUES):
        return
    if risk.residual_likelihood > risk.inherent_likelihood:
        errors["residual_likelihood"] = [
            _("Measures cannot make the risk more likely than before them.")
        ]
    if risk.residual_consequence > risk.inherent_consequence:
        errors["residual_consequence"] = [
            _("Measures cannot make the consequence worse than before them.")
        ]


def _residual_defaults(risk: Risk) -> None:
    """Without residual values, the residual risk is the inherent one (no measures yet)."""
    if risk.residual_likelihood is None:
        risk.residual_likelihood = risk.inherent_likelihood
    if risk.residual_consequence is None:
        risk.residual_consequence = risk.inherent_consequence


def _check_risk(risk: Risk, matrix: Matrix) -> None:
    errors: dict[str, list[str]] = {}
    risk.title = risk.title.strip()
    if not risk.title:
        errors["title"] = [_("Give the risk a title.")]
    elif len(risk.title) > 200:
        errors["title"] = [_("Keep the title to 200 characters.")]
    _check_values(risk, matrix, errors)
    if risk.treatment not in [*Treatment.values, ""]:
        errors["treatment"] = [_("Choose a treatment.")]
    elif risk.treatment and risk.treatment != Treatment.ACCEPT and not risk.measures.strip():
        errors["measures"] = [_("Describe the measures of the treatment.")]
    if risk.status not in RiskStatus.values:
        errors["status"] = [_("Choose a status.")]
    for name in ("due_on", "review_on"):
        if getattr(risk, name) is not None and not isinstance(getattr(risk, name), dt.date):
            errors[name] = [_("Give a date.")]
    _check_links(risk, errors)
    if errors:
        raise ValidationError(errors)


def _values(values: dict[str, Any]) -> dict[str, Any]:
    unknown = values.keys() - set(RISK_FIELDS)
    if unknown:
        raise TypeError(f"Not risk fields: {', '.join(sorted(unknown))}")
    return {
        key: value.strip() if isinstance(value, str) else value for key, value in values.items()
    }


@transaction.atomic
def risk_create(*, acting_user: User, organisation: Organisation, **values: Any) -> Risk:
    """A new risk. It cannot be created accepted: acceptance is its own decision."""
    risk = Risk(organisation=organisation, created_by=acting_user, **_values(values))
    _residual_defaults(risk)
    _check_risk(risk, settings_of(organisation).matrix)
    if risk.status == RiskStatus.ACCEPTED:
        raise ValidationError({"status": [_("Accept the risk with its own decision.")]})
    risk.save()
    audit_record(
        actor=acting_user,
        organisation_id=organisation.id,
        action="risk.create",
        obj=risk,
        changes=diff({}, snapshot(risk, RISK_FIELDS)),
    )
    return risk


@transaction.atomic
def risk_update(*, acting_user: User, risk: Risk, **values: Any) -> Risk:
    """Change a risk. An accepted risk whose residual likelihood or consequence changes, or which
    is given another status, is no longer accepted: the acceptance was a decision about what it
    was (the audit log keeps it)."""
    values = _values(values)
    before = snapshot(risk, _AUDITED)
    was_accepted = risk.status == RiskStatus.ACCEPTED
    for name, value in values.items():
        setattr(risk, name, value)
    _residual_defaults(risk)
    _check_risk(risk, settings_of(risk.organisation).matrix)
    if risk.status == RiskStatus.ACCEPTED and not was_accepted:
        raise ValidationError({"status": [_("Accept the risk with its own decision.")]})
    residual_changed = any(
        before[name] != snapshot(risk, [name])[name]
        for name in ("residual_likelihood", "residual_consequence")
    )
    if was_accepted and residual_changed and risk.status == RiskStatus.ACCEPTED:
        risk.status = RiskStatus.OPEN
    if risk.status != RiskStatus.ACCEPTED:
        risk.accepted_on, risk.accepted_by, risk.acceptance_reason = None, None, ""
    changes = diff(before, snapshot(risk, _AUDITED))
    if changes:
        risk.save(update_fields=list(changes))
        audit_record(
            actor=acting_user,
            organisation_id=risk.organisation_id,
            action="risk.update",
            obj=risk,
            changes=changes,
        )
    return risk


def needs_escalation(risk: Risk, settings: RiskSettings) -> bool:
    """Whether the residual risk is above the organisation's risk appetite."""
    return residual_level(risk, settings.matrix) > settings.appetite


def residual_level(risk: Risk, matrix: Matrix) -> int:
    return matrix.level(risk.residual_likelihood, risk.residual_consequence)


@transaction.atomic
def risk_accept(
    *,
    acting_user: User,
    permissions: frozenset[Permission],
    risk: Risk,
    accepted_on: dt.date | None,
    reason: str,
) -> Risk:
    """Decide to live with the residual risk. At or below the appetite an editor may; above it,
    only someone allowed to accept risks (PermissionDenied otherwise), with a reason."""
    settings = settings_of(risk.organisation)
    level = residual_level(risk, settings.matrix)
    above = level > settings.appetite
    if above and Permission.ACCEPT_RISK not in permissions:
        raise PermissionDenied(
            _("The risk is above the risk appetite: only management may accept it.")
        )
    if not permissions & {Permission.EDIT, Permission.ACCEPT_RISK}:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if risk.status == RiskStatus.ACCEPTED:
        errors["status"] = [_("The risk is already accepted.")]
    elif risk.status == RiskStatus.CLOSED:
        errors["status"] = [_("A closed risk cannot be accepted.")]
    reason = reason.strip()
    if above and not reason:
        errors["reason"] = [_("Give the reason for accepting a risk above the risk appetite.")]
    if not isinstance(accepted_on, dt.date):
        errors["accepted_on"] = [_("Give the date of the decision.")]
    elif accepted_on > timezone.localdate():
        errors["accepted_on"] = [_("The decision cannot be dated in the future.")]
    if errors:
        raise ValidationError(errors)
    before = snapshot(risk, ["status", *ACCEPTANCE_FIELDS])
    risk.status = RiskStatus.ACCEPTED
    risk.accepted_on, risk.accepted_by, risk.acceptance_reason = accepted_on, acting_user, reason
    risk.save(update_fields=["status", *ACCEPTANCE_FIELDS])
    audit_record(
        actor=acting_user,
        organisation_id=risk.organisation_id,
        action="risk.accept",
        obj=risk,
        changes=diff(before, snapshot(risk, ["status", *ACCEPTANCE_FIELDS]))
        | {
            "residual_level": [None, level],
            "appetite": [None, settings.appetite],
            "above_appetite": [None, above],
        },
    )
    return risk


@transaction.atomic
def risk_settings_set(
    *,
    acting_user: User,
    organisation: Organisation,
    matrix_size: int,
    appetite: int,
    rescale_risks: bool = False,
) -> RiskSettings:
    """Set the matrix size and the risk appetite. Changing the size of a matrix that already
    holds risks must be confirmed (rescale_risks): every likelihood and consequence then moves to
    the same relative place on the new matrix (matrix.rescale), each change in the audit log.
    Decisions to accept stay as they were taken."""
    errors: dict[str, list[str]] = {}
    if type(matrix_size) is not int or matrix_size not in MATRICES:
        raise ValidationError({"matrix_size": [_("Choose a matrix of 3, 4 or 5 steps.")]})
    matrix = MATRICES[matrix_size]
    if type(appetite) is not int or appetite not in matrix.levels:
        errors["appetite"] = [_("Choose a level from 1 to %(max)s.") % {"max": matrix.max_level}]
    current = RiskSettings.objects.select_for_update().filter(organisation=organisation).first()
    settings = current or settings_of(organisation)
    old_size = settings.matrix_size
    risks = Risk.objects.filter(organisation=organisation)
    resizing = old_size != matrix_size and risks.exists()
    if resizing and not rescale_risks:
        count = risks.count()
        errors["rescale_risks"] = [
            ngettext(
                "The organisation has %(count)s risk on its %(old)s matrix. Confirm that its "
                "likelihood and consequence are moved to the %(new)s matrix.",
                "The organisation has %(count)s risks on its %(old)s matrix. Confirm that their "
                "likelihood and consequences are moved to the %(new)s matrix.",
                count,
            )
            % {"count": count, "old": size_label(old_size), "new": size_label(matrix_size)}
        ]
    if errors:
        raise ValidationError(errors)
    before = snapshot(settings, ["matrix_size", "appetite"])
    settings.matrix_size, settings.appetite = matrix_size, appetite
    changes = diff(before, snapshot(settings, ["matrix_size", "appetite"]))
    if not changes:
        return settings
    settings.save()
    audit_record(
        actor=acting_user,
        organisation_id=organisation.id,
        action="risk.settings",
        obj=settings,
        changes=changes,
    )
    if resizing:
        for risk in risks.order_by("pk"):
            _rescale(acting_user, risk, old_size, matrix_size)
    return settings


def _rescale(acting_user: User, risk: Risk, old_size: int, new_size: int) -> None:
    before = snapshot(risk, VALUES)
    for name in VALUES:
        setattr(risk, name, rescale(getattr(risk, name), old_size, new_size))
    changes = diff(before, snapshot(risk, VALUES))
    if changes:
        risk.save(update_fields=list(changes))
    audit_record(
        actor=acting_user,
        organisation_id=risk.organisation_id,
        action="risk.rescale",
        obj=risk,
        changes=changes | {"matrix_size": [old_size, new_size]},
    )
