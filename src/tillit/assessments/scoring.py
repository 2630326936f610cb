"""The result of an assessment, explained: per area and in total, how many ska-krav are met and
unmet and how many bör-krav points, and the verdict from three rules shown beside it.

Pure functions over plain values, so the rules are tested without a database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Outcome(StrEnum):
    PENDING = "pending"  # not yet reviewed
    MET = "met"
    UNMET = "unmet"
    EXCLUDED = "excluded"  # accepted as not applicable
    REMEDIATED = "remediated"  # unmet, but every finding on it has been verified or closed


class Verdict(StrEnum):
    APPROVED = "approved"
    APPROVED_WITH_ACTIONS = "approved_with_actions"
    REJECTED = "rejected"


VERDICT_LABELS = {
    Verdict.APPROVED: _("Approved"),
    Verdict.APPROVED_WITH_ACTIONS: _("Approved with actions"),
    Verdict.REJECTED: _("Rejected"),
}

RULES = [
    _("Approved: every ska-krav is met (or accepted as not applicable)."),
    _(
        "Approved with actions: some ska-krav are not met, each has a finding, and no finding "
        "on them is of high severity."
    ),
    _("Rejected: a ska-krav is not met and has no finding, or a finding of high severity."),
    _(
        "A ska-krav that was not met counts as met once every finding on it is verified or "
        "closed. Bör-krav give one point each when met; they never decide the verdict."
    ),
]


@dataclass(frozen=True)
class Item:
    area: str
    mandatory: bool
    answer: str  # tillit.assessments.models.Answer value, or "" if unanswered
    review: str  # Review value, or "" if not reviewed
    finding_severities: tuple[str, ...] = ()  # of findings still open or remediated
    findings_resolved: int = 0  # findings verified or closed


def outcome(item: Item) -> Outcome:
    if not item.review:
        return Outcome.PENDING
    if item.review == "accepted" and item.answer == "met":
        return Outcome.MET
    if item.review == "accepted" and item.answer == "na":
        return Outcome.EXCLUDED
    if item.findings_resolved and not item.finding_severities:
        return Outcome.REMEDIATED
    return Outcome.UNMET


@dataclass
class Tally:
    ska_met: int = 0
    ska_unmet: int = 0
    ska_excluded: int = 0
    bor_points: int = 0
    bor_possible: int = 0
    pending: int = 0

    def add(self, item: Item, result: Outcome) -> None:
        if result == Outcome.PENDING:
            self.pending += 1
        elif item.mandatory:
            if result in (Outcome.MET, Outcome.REMEDIATED):
                self.ska_met += 1
            elif result == Outcome.EXCLUDED:
                self.ska_excluded += 1
            else:
                self.ska_unmet += 1
        elif result != Outcome.EXCLUDED:
            self.bor_possible += 1
            self.bor_points += result in (Outcome.MET, Outcome.REMEDIATED)


@dataclass
class Result:
    areas: dict[str, Tally] = field(default_factory=dict)
    total: Tally = field(default_factory=Tally)
    verdict: Verdict | None = None  # None while answers are still to be reviewed
    reason: str = ""

    @property
    def verdict_label(self) -> str:
        return str(VERDICT_LABELS[self.verdict]) if self.verdict else ""


def score(items: Iterable[Item]) -> Result:
    result = Result()
    unmet_without_finding = 0
    unmet_high = 0
    for item in items:
        result_of_item = outcome(item)
        result.areas.setdefault(item.area, Tally()).add(item, result_of_item)
        result.total.add(item, result_of_item)
        if item.mandatory and result_of_item == Outcome.UNMET:
            if not item.finding_severities:
                unmet_without_finding += 1
            elif "high" in item.finding_severities:
                unmet_high += 1
    if result.total.pending:
        result.reason = str(_("The review is not finished."))
    elif not result.total.ska_unmet:
        result.verdict = Verdict.APPROVED
        result.reason = str(_("Every ska-krav is met."))
    elif unmet_without_finding or unmet_high:
        result.verdict = Verdict.REJECTED
        result.reason = str(
            _(
                "%(unmet)s ska-krav not met: %(without)s without a finding, %(high)s with a "
                "finding of high severity."
            )
            % {
                "unmet": result.total.ska_unmet,
                "without": unmet_without_finding,
                "high": unmet_high,
            }
        )
    else:
        result.verdict = Verdict.APPROVED_WITH_ACTIONS
        result.reason = str(
            _("%(unmet)s ska-krav not met, each with a finding of low or medium severity.")
            % {"unmet": result.total.ska_unmet}
        )
    return result
