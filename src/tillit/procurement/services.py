"""Writes to procurements, adjustments and tenders: validated, atomic, audit-logged."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tillit.accounts.models import User
from tillit.audit.services import audit_record, diff
from tillit.catalogue.models import Catalogue, Requirement
from tillit.classification.models import Asset
from tillit.lib.orgnr import normalise_orgnr
from tillit.organisations.models import Membership, Organisation
from tillit.procurement.models import (
    Adjustment,
    AdjustmentAction,
    Procedure,
    Procurement,
    Tender,
    TenderAnswer,
)
from tillit.procurement.selectors import procurement_profile
from tillit.procurement.tasks import prepare_annex


def _check_procurement(
    *,
    organisation: Organisation,
    name: str,
    reference: str,
    procedure: str,
    officer: User | None,
    assets: list[Asset],
) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if not name.strip():
        errors["name"] = [ValidationError(_("Give the procurement a name."))]
    if not reference.strip():
        errors["reference"] = [ValidationError(_("Give the reference number (diarienummer)."))]
    if procedure not in Procedure.values:
        errors["procedure"] = [ValidationError(_("Choose one of the listed procedures."))]
    if not assets:
        errors["assets"] = [
            ValidationError(
                _("Choose at least one asset: the requirements follow from their classification."),
                code="no_assets",
            )
        ]
    elif any(asset.organisation_id != organisation.id for asset in assets):
        errors["assets"] = [ValidationError(_("Choose assets of your own organisation."))]
    if (
        officer is not None
        and not Membership.objects.filter(organisation=organisation, user=officer).exists()
    ):
        errors["officer"] = [
            ValidationError(_("The officer must be a member of the organisation."))
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def procurement_create(
    *,
    acting_user: User,
    organisation: Organisation,
    name: str,
    reference: str,
    procedure: str,
    officer: User | None,
    catalogue: Catalogue,
    assets: list[Asset],
) -> Procurement:
    _check_procurement(
        organisation=organisation,
        name=name,
        reference=reference,
        procedure=procedure,
        officer=officer,
        assets=assets,
    )
    procurement = Procurement.objects.create(
        organisation=organisation,
        name=name.strip(),
        reference=reference.strip(),
        procedure=procedure,
        officer=officer,
        catalogue=catalogue,
    )
    procurement.assets.set(assets)
    audit_record(
        actor=acting_user,
        organisation_id=organisation.id,
        action="procurement.create",
        obj=procurement,
        changes=diff(
            {},
            {
                "name": procurement.name,
                "reference": procurement.reference,
                "procedure": procedure,
                "catalogue": f"{catalogue.key} {catalogue.version}",
                "assets": sorted(asset.name for asset in assets),
            },
        ),
    )
    _prepare_annex_after_commit(procurement)
    return procurement


def _prepare_annex_after_commit(procurement: Procurement) -> None:
    """The worker lays the annex out as PDF once the change is committed (seconds for a long
    annex), so the officer's download does not wait for it. A failed enqueue leaves the work to
    that download, as when it comes before the worker is done."""
    transaction.on_commit(lambda: prepare_annex.enqueue(str(procurement.pk)), robust=True)


@transaction.atomic
def adjustment_set(
    *,
    acting_user: User,
    procurement: Procurement,
    requirement: Requirement,
    action: str,
    justification: str,
) -> Adjustment:
    """Drop a derived requirement, or make a ska-krav a bör-krav, with a written justification."""
    justification = justification.strip()
    if not justification:
        raise ValidationError(
            {"justification": _("Write why: the justification is kept and printed in the annex.")}
        )
    if action not in AdjustmentAction.values:
        raise ValidationError({"action": _("Choose drop or make desirable.")})
    if procurement.adjustments.filter(requirement=requirement).exists():
        raise ValidationError(_("This requirement is already adjusted: restore it first."))
    profile = procurement_profile(procurement)
    entries = {entry.entry.requirement.pk: entry for entry in profile.entries}
    entry = entries.get(requirement.pk)
    if entry is None:
        raise ValidationError(_("This requirement is not in the procurement's profile."))
    if action == AdjustmentAction.DOWNGRADE and not entry.mandatory:
        raise ValidationError(_("Only a mandatory (ska) requirement can be made desirable."))
    adjustment = Adjustment.objects.create(
        procurement=procurement,
        requirement=requirement,
        action=action,
        justification=justification,
        made_by=acting_user,
    )
    audit_record(
        actor=acting_user,
        organisation_id=procurement.organisation_id,
        action=f"procurement.requirement_{action}",
        obj=procurement,
        changes=diff({}, {"requirement": requirement.key, "justification": justification}),
    )
    _prepare_annex_after_commit(procurement)
    return adjustment


@transaction.atomic
def adjustment_remove(*, acting_user: User, adjustment: Adjustment) -> None:
    audit_record(
        actor=acting_user,
        organisation_id=adjustment.procurement.organisation_id,
        action="procurement.requirement_restored",
        obj=adjustment.procurement,
        changes=diff({"requirement": adjustment.requirement.key, "action": adjustment.action}, {}),
    )
    adjustment.delete()
    _prepare_annex_after_commit(adjustment.procurement)


@transaction.atomic
def tender_create(
    *, acting_user: User, procurement: Procurement, tenderer: str, orgnr: str = ""
) -> Tender:
    tenderer = tenderer.strip()
    errors: dict[str, list[ValidationError]] = {}
    if not tenderer:
        errors["tenderer"] = [ValidationError(_("Give the tenderer's name."))]
    elif procurement.tenders.filter(tenderer=tenderer).exists():
        errors["tenderer"] = [ValidationError(_("This tenderer is already registered."))]
    if orgnr:
        try:
            orgnr = normalise_orgnr(orgnr)
        except ValidationError as exc:
            errors["orgnr"] = [exc]
    if errors:
        raise ValidationError(errors)
    tender = Tender.objects.create(procurement=procurement, tenderer=tenderer, orgnr=orgnr)
    audit_record(
        actor=acting_user,
        organisation_id=procurement.organisation_id,
        action="tender.create",
        obj=tender,
        changes=diff({}, {"tenderer": tenderer, "orgnr": orgnr}),
    )
    return tender


@transaction.atomic
def tender_answers_save(
    *, acting_user: User, tender: Tender, answers: dict[str, bool | None]
) -> None:
    """Record the tender's answer per requirement key (None: not answered)."""
    entries = {
        adjusted.key: adjusted.entry.requirement
        for adjusted in procurement_profile(tender.procurement).entries
    }
    unknown = sorted(set(answers) - set(entries))
    if unknown:
        raise ValidationError(
            _("Not in this procurement's requirements: %(keys)s") % {"keys": ", ".join(unknown)}
        )
    before = {
        answer.requirement.key: answer.fulfilled
        for answer in tender.answers.select_related("requirement")
    }
    tender.answers.all().delete()
    TenderAnswer.objects.bulk_create(
        TenderAnswer(tender=tender, requirement=entries[key], fulfilled=fulfilled)
        for key, fulfilled in answers.items()
        if fulfilled is not None
    )
    after = {key: fulfilled for key, fulfilled in answers.items() if fulfilled is not None}
    changes = diff(before, after)
    if changes:
        audit_record(
            actor=acting_user,
            organisation_id=tender.procurement.organisation_id,
            action="tender.answers",
            obj=tender,
            changes=changes,
        )
