"""Reads for procurements: the requirement profile after the officer's adjustments, and the
content of the annex and the evaluation summary."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tillit.catalogue.derivation import Obligation
from tillit.catalogue.models import localised
from tillit.catalogue.references import SCHEMES
from tillit.catalogue.selectors import ProfileEntry, reason_text, requirement_profile
from tillit.classification.models import Asset, Classification
from tillit.classification.selectors import merged_facts
from tillit.organisations.models import Organisation
from tillit.procurement import content
from tillit.procurement.models import Adjustment, AdjustmentAction, Procurement, Tender


def procurements_of(organisation: Organisation) -> QuerySet[Procurement]:
    return Procurement.objects.filter(organisation=organisation).select_related(
        "officer", "catalogue"
    )


@dataclass(frozen=True)
class AdjustedEntry:
    entry: ProfileEntry
    mandatory: bool
    adjustment: Adjustment | None

    @property
    def key(self) -> str:
        return self.entry.requirement.key


@dataclass(frozen=True)
class ProcurementProfile:
    assets: list[Asset]
    unclassified: list[Asset]
    security_protection: bool
    entries: list[AdjustedEntry]  # what the annex asks for
    dropped: list[AdjustedEntry]

    @property
    def ready(self) -> bool:
        """Whether an annex can be produced."""
        return bool(self.assets) and not self.unclassified and not self.security_protection


def procurement_profile(procurement: Procurement) -> ProcurementProfile:
    assets = list(procurement.assets.select_related("current").order_by("name"))
    classifications = [asset.current for asset in assets if asset.current is not None]
    unclassified = [asset for asset in assets if asset.current is None]
    facts = merged_facts(classifications)
    if facts.max_level >= 4:
        return ProcurementProfile(assets, unclassified, True, [], [])
    derived = requirement_profile(facts, procurement.catalogue)
    adjustments = {
        adjustment.requirement_id: adjustment
        for adjustment in procurement.adjustments.select_related("requirement")
    }
    entries, dropped = [], []
    for entry in derived.entries:
        adjustment = adjustments.get(entry.requirement.pk)
        mandatory = entry.item.obligation == Obligation.SKA
        if adjustment is not None and adjustment.action == AdjustmentAction.DOWNGRADE:
            mandatory = False
        adjusted = AdjustedEntry(entry, mandatory, adjustment)
        if adjustment is not None and adjustment.action == AdjustmentAction.DROP:
            dropped.append(adjusted)
        else:
            entries.append(adjusted)
    return ProcurementProfile(assets, unclassified, False, entries, dropped)


def _personal_data_summary(classification: Classification) -> str:
    if not classification.personal_data:
        return _("no personal data")
    parts = [
        label
        for flag, label in (
            (classification.sensitive_data, _("sensitive personal data")),
            (classification.criminal_data, _("criminal offence data")),
            (classification.personnummer, _("personal identity numbers")),
            (classification.children, _("data on children")),
            (classification.protected_identities != "none", _("protected identities")),
            (classification.osl_secrecy, _("secrecy under OSL")),
        )
        if flag
    ]
    return ", ".join(parts) or _("personal data")


def _basis(classification: Classification, name: str) -> content.AssetBasis:
    c = classification
    return content.AssetBasis(
        name=name,
        version=c.version,
        classified_on=timezone.localdate(c.classified_at),
        # C/I/A/T in English, K/R/T/S (KLASSA's letters) in Swedish.
        levels=_("C%(c)s I%(i)s A%(a)s T%(t)s")
        % {"c": c.confidentiality, "i": c.integrity, "a": c.availability, "t": c.traceability},
        personal_data=_personal_data_summary(c),
        data_subjects=c.data_subjects,
    )


def _reason(adjusted: AdjustedEntry) -> str:
    item = adjusted.entry.item
    text = reason_text(item.reasons)
    if adjusted.mandatory and item.ska_reasons:
        text = _("%(applies)s; mandatory because %(mandatory)s") % {
            "applies": text,
            "mandatory": reason_text(item.ska_reasons),
        }
    return text


class AnnexNotReadyError(Exception):
    """The procurement's assets are not all classified, or one is on the security-protection
    track: there is no annex to make."""


def annex_content(procurement: Procurement, language: str) -> content.Annex:
    profile = procurement_profile(procurement)
    if not profile.ready:
        raise AnnexNotReadyError
    with translation.override(language):
        areas: dict[int, list[content.AnnexRequirement]] = {}
        titles: dict[int, str] = {}
        for adjusted in profile.entries:
            requirement = adjusted.entry.requirement
            titles[requirement.area_id] = localised(requirement.area.title, language)
            adjustment = adjusted.adjustment
            areas.setdefault(requirement.area_id, []).append(
                content.AnnexRequirement(
                    key=requirement.key,
                    title=localised(requirement.title, language),
                    mandatory=adjusted.mandatory,
                    text=adjusted.entry.text("ska", language),
                    motive=adjusted.entry.text("motive", language),
                    verification=adjusted.entry.text("verification", language),
                    references=tuple(
                        SCHEMES[ref.scheme].format(ref.value, language)
                        for ref in requirement.references.all()
                        if ref.scheme in SCHEMES
                    ),
                    reason=_reason(adjusted),
                    downgrade_justification=adjustment.justification if adjustment else "",
                )
            )
        return content.Annex(
            language=language,
            organisation=procurement.organisation.name,
            procurement=procurement.name,
            reference=procurement.reference,
            procedure=str(procurement.get_procedure_display()),
            officer=str(procurement.officer or ""),
            catalogue=f"{localised(procurement.catalogue.title, language)} "
            f"{procurement.catalogue.version}",
            generated_on=timezone.localdate(),
            basis=tuple(
                _basis(asset.current, asset.name)
                for asset in profile.assets
                if asset.current is not None
            ),
            areas=tuple(
                content.AnnexArea(titles[area_id], tuple(requirements))
                for area_id, requirements in areas.items()
            ),
            dropped=tuple(
                content.DroppedRequirement(
                    adjusted.key,
                    localised(adjusted.entry.requirement.title, language),
                    adjusted.adjustment.justification if adjusted.adjustment else "",
                )
                for adjusted in profile.dropped
            ),
        )


def evaluation_content(procurement: Procurement, language: str) -> content.Evaluation:
    profile = procurement_profile(procurement)
    tenders = list(
        Tender.objects.filter(procurement=procurement)
        .prefetch_related("answers")
        .order_by("tenderer")
    )
    requirement_ids = [adjusted.entry.requirement.pk for adjusted in profile.entries]
    mandatory = tuple(adjusted.mandatory for adjusted in profile.entries)
    answers, results = [], []
    for tender in tenders:
        given = {answer.requirement_id: answer.fulfilled for answer in tender.answers.all()}
        row = tuple(given.get(requirement_id) for requirement_id in requirement_ids)
        failed = tuple(
            adjusted.key
            for adjusted, answer in zip(profile.entries, row, strict=True)
            if adjusted.mandatory and answer is not True
        )
        points = sum(
            1
            for is_mandatory, answer in zip(mandatory, row, strict=True)
            if not is_mandatory and answer is True
        )
        answers.append(row)
        results.append(content.TenderResult(tender.tenderer, bool(failed), failed, points))
    return content.Evaluation(
        language=language,
        organisation=procurement.organisation.name,
        procurement=procurement.name,
        reference=procurement.reference,
        generated_on=timezone.localdate(),
        requirement_keys=tuple(adjusted.key for adjusted in profile.entries),
        requirement_titles=tuple(
            localised(adjusted.entry.requirement.title, language) for adjusted in profile.entries
        ),
        mandatory=mandatory,
        max_points=sum(1 for is_mandatory in mandatory if not is_mandatory),
        results=tuple(results),
        answers=tuple(answers),
    )
