"""Writes to assets and classifications: validated, atomic, audit-logged."""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.accounts.models import User
from tillit.audit.services import audit_record, audited_update, diff, snapshot
from tillit.catalogue.rules import ASPECTS, Facts
from tillit.classification.models import Asset, Classification, ProtectedIdentities
from tillit.classification.questions import suggest
from tillit.organisations.models import Membership, Organisation

ASSET_FIELDS = ["name", "description", "owner"]
REVIEW_INTERVAL_MONTHS = 12
MAX_DATA_SUBJECTS = 2_000_000_000  # within what the column holds (2,147,483,647)


def _check_asset(asset: Asset) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if (
        asset.owner_id
        and not Membership.objects.filter(
            organisation_id=asset.organisation_id, user_id=asset.owner_id
        ).exists()
    ):
        errors["owner"] = [ValidationError(_("The owner must be a member of the organisation."))]
    duplicate = Asset.objects.filter(organisation_id=asset.organisation_id, name=asset.name)
    if duplicate.exclude(pk=asset.pk).exists():
        errors["name"] = [ValidationError(_("An asset with this name already exists."))]
    try:
        asset.full_clean(exclude=["organisation", "owner", "current"], validate_unique=False)
    except ValidationError as exc:
        for field, messages in exc.error_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def asset_create(
    *,
    acting_user: User,
    organisation: Organisation,
    name: str,
    description: str = "",
    owner: User | None = None,
) -> Asset:
    asset = Asset(organisation=organisation, name=name, description=description, owner=owner)
    _check_asset(asset)
    asset.save()
    audit_record(
        actor=acting_user,
        organisation_id=organisation.id,
        action="asset.create",
        obj=asset,
        changes=diff({}, snapshot(asset, ASSET_FIELDS)),
    )
    return asset


@transaction.atomic
def asset_update(*, acting_user: User, asset: Asset, **values: Any) -> Asset:
    return audited_update(
        acting_user=acting_user,
        instance=asset,
        editable=ASSET_FIELDS,
        values=values,
        validate=_check_asset,
        action="asset.update",
        organisation_id=asset.organisation_id,
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day some months later, or the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def personal_data_facts(
    *,
    personal_data: bool,
    sensitive_data: bool,
    criminal_data: bool,
    personnummer: bool,
    children: bool,
    protected_identities: str,
    data_subjects: int,
    osl_secrecy: bool,
) -> Facts:
    """Facts about the data itself; any detail of personal data implies personal data."""
    details = (
        sensitive_data
        or criminal_data
        or personnummer
        or children
        or protected_identities != ProtectedIdentities.NONE
        or data_subjects > 0
    )
    return Facts(
        personal_data=personal_data or details,
        sensitive_data=sensitive_data,
        criminal_data=criminal_data,
        personnummer=personnummer,
        children=children,
        protected_identities=protected_identities != ProtectedIdentities.NONE,
        osl_secrecy=osl_secrecy,
        data_subjects=data_subjects,
    )


@transaction.atomic
def classification_create(
    *,
    acting_user: User,
    asset: Asset,
    answers: dict[str, int],
    levels: dict[str, int | None],
    reasons: dict[str, str],
    personal_data: bool = False,
    sensitive_data: bool = False,
    criminal_data: bool = False,
    personnummer: bool = False,
    children: bool = False,
    protected_identities: str = ProtectedIdentities.NONE,
    data_subjects: int = 0,
    osl_secrecy: bool = False,
    osl_reference: str = "",
    review_due: dt.date | None = None,
) -> Classification:
    """Record a new version of the asset's classification.

    `answers` are the guided answers per aspect (0–4); `levels` the levels the user chose where
    they differ from the suggestion (None: take the suggestion). A chosen level that differs
    from the suggestion needs a reason.
    """
    errors: dict[str, list[ValidationError]] = {}
    for aspect in ASPECTS:
        for source, value in (("answer", answers.get(aspect)), ("level", levels.get(aspect))):
            if value is None and source == "level":
                continue
            if not isinstance(value, int) or not 0 <= value <= 4:
                errors[f"{aspect}_{source}"] = [
                    ValidationError(_("Choose a level from 0 to 4."), code="level_range")
                ]
    if protected_identities not in ProtectedIdentities.values:
        errors["protected_identities"] = [ValidationError(_("Choose one of the listed options."))]
    if data_subjects < 0:
        errors["data_subjects"] = [ValidationError(_("The number cannot be negative."))]
    elif data_subjects > MAX_DATA_SUBJECTS:
        errors["data_subjects"] = [
            ValidationError(_("At most %(most)s.") % {"most": MAX_DATA_SUBJECTS})
        ]
    osl_reference = osl_reference.strip()
    if osl_secrecy and not osl_reference:
        errors["osl_reference"] = [
            ValidationError(_("Give the chapter and section of OSL, e.g. 21 kap. 1 §."))
        ]
    if osl_reference and not osl_secrecy:
        errors["osl_reference"] = [
            ValidationError(_("A section of OSL is only given when secrecy applies."))
        ]
    if errors:
        raise ValidationError(errors)

    facts = personal_data_facts(
        personal_data=personal_data,
        sensitive_data=sensitive_data,
        criminal_data=criminal_data,
        personnummer=personnummer,
        children=children,
        protected_identities=protected_identities,
        data_subjects=data_subjects,
        osl_secrecy=osl_secrecy,
    )
    suggested = suggest(answers, facts)
    final: dict[str, int] = {}
    overrides: dict[str, dict[str, Any]] = {}
    for aspect in ASPECTS:
        chosen = levels.get(aspect)
        final[aspect] = suggested[aspect] if chosen is None else chosen
        if final[aspect] != suggested[aspect]:
            reason = reasons.get(aspect, "").strip()
            if not reason:
                errors[f"{aspect}_reason"] = [
                    ValidationError(
                        _("Explain why the level differs from the suggested %(level)s."),
                        code="reason_required",
                        params={"level": suggested[aspect]},
                    )
                ]
            overrides[aspect] = {"suggested": suggested[aspect], "reason": reason}
    if errors:
        raise ValidationError(errors)

    # Lock the asset so two simultaneous classifications get distinct versions.
    Asset.objects.select_for_update().filter(pk=asset.pk).first()
    latest = asset.classifications.order_by("-version").values_list("version", flat=True).first()
    now = timezone.now()
    classification = Classification.objects.create(
        asset=asset,
        version=(latest or 0) + 1,
        answers={aspect: answers[aspect] for aspect in ASPECTS},
        overrides=overrides,
        osl_reference=osl_reference,
        protected_identities=protected_identities,
        classified_by=acting_user,
        classified_at=now,
        review_due=review_due or add_months(timezone.localdate(now), REVIEW_INTERVAL_MONTHS),
        **final,
        **{
            key: value
            for key, value in asdict(facts).items()
            if key not in ASPECTS and key != "protected_identities"
        },
    )
    asset.current = classification
    asset.save(update_fields=["current"])
    audit_record(
        actor=acting_user,
        organisation_id=asset.organisation_id,
        action="classification.create",
        obj=classification,
        changes=diff(
            {},
            snapshot(
                classification,
                [
                    "version",
                    *ASPECTS,
                    "overrides",
                    "personal_data",
                    "sensitive_data",
                    "criminal_data",
                    "personnummer",
                    "children",
                    "protected_identities",
                    "data_subjects",
                    "osl_secrecy",
                    "osl_reference",
                    "review_due",
                ],
            ),
        ),
    )
    return classification
