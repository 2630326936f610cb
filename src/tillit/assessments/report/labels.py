"""The words and cells of the report that PDF and XLSX share, so both formats say the same.

Lazily translated: the renderers turn them into text with the report's language active.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tillit.assessments.report.content import Report, ReportFinding, ReportQuestion, Tally
from tillit.assessments.scoring import Outcome

DASH = "–"

OUTCOME_LABELS = {
    Outcome.PENDING: gettext_lazy("Not yet reviewed"),
    Outcome.MET: gettext_lazy("Met"),
    Outcome.UNMET: gettext_lazy("Not met"),
    Outcome.EXCLUDED: gettext_lazy("Not applicable"),
    Outcome.REMEDIATED: gettext_lazy("Met, its findings verified or closed"),
}

TALLY_COLUMNS = (
    gettext_lazy("Area"),
    gettext_lazy("Ska-krav met"),
    gettext_lazy("Ska-krav not met"),
    gettext_lazy("Not applicable"),
    gettext_lazy("Bör-krav points"),
    gettext_lazy("Bör-krav possible"),
    gettext_lazy("Not reviewed"),
)

QUESTION_COLUMNS = (
    gettext_lazy("ID"),
    gettext_lazy("Area"),
    gettext_lazy("Requirement"),
    gettext_lazy("Ska/bör"),
    gettext_lazy("Question"),
    gettext_lazy("Answer"),
    gettext_lazy("Description"),
    gettext_lazy("Evidence"),
    gettext_lazy("Answered by"),
    gettext_lazy("Answered on"),
    gettext_lazy("Review"),
    gettext_lazy("Reviewer's comment"),
    gettext_lazy("Reviewer"),
    gettext_lazy("Reviewed on"),
    gettext_lazy("Counts as"),
)

FINDING_COLUMNS = (
    gettext_lazy("Question"),
    gettext_lazy("Finding"),
    gettext_lazy("Severity"),
    gettext_lazy("Required action"),
    gettext_lazy("Responsible at the supplier"),
    gettext_lazy("Deadline"),
    gettext_lazy("Status"),
    gettext_lazy("The supplier's response"),
    gettext_lazy("Responded on"),
)


def day(value: dt.date | None) -> str:
    return value.isoformat() if value else DASH


def obligation(question: ReportQuestion) -> str:
    return _("ska") if question.mandatory else _("bör")


def facts(report: Report) -> list[tuple[str, str]]:
    """The cover: what was assessed, against what, and when."""
    return [
        (_("Organisation"), report.organisation),
        (_("Supplier"), report.supplier),
        (_("Contracts"), ", ".join(report.contracts) or DASH),
        (_("Requirement catalogue"), report.catalogue),
        (_("Status"), report.status),
        (_("Answer by"), day(report.due_on)),
        (_("Created"), day(report.created_on)),
        (_("Submitted"), day(report.submitted_on)),
        (_("Completed"), day(report.completed_on)),
        (_("Report date"), day(report.generated_on)),
    ]


def tally_cells(tally: Tally) -> tuple[str, int, int, int, int, int, int]:
    return (
        tally.area,
        tally.ska_met,
        tally.ska_unmet,
        tally.ska_excluded,
        tally.bor_points,
        tally.bor_possible,
        tally.pending,
    )


def question_cells(question: ReportQuestion) -> tuple[str | dt.date | None, ...]:
    return (
        question.label,
        question.area,
        question.title,
        obligation(question),
        question.text,
        question.answer or _("Not answered"),
        question.description,
        "\n".join(question.evidence),
        question.answered_by,
        question.answered_on,
        question.review or _("Not yet reviewed"),
        question.review_comment,
        question.reviewed_by,
        question.reviewed_on,
        question.counts_as,
    )


def finding_cells(finding: ReportFinding) -> tuple[str | dt.date | None, ...]:
    return (
        finding.question,
        finding.title,
        finding.severity,
        finding.required_action,
        finding.supplier_owner,
        finding.deadline,
        finding.status,
        finding.supplier_response,
        finding.responded_on,
    )
