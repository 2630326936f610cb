"""The content of an assessment's report, read in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tillit.assessments import scoring, selectors
from tillit.assessments.models import Assessment, Finding, Question
from tillit.assessments.report.content import Report, ReportFinding, ReportQuestion, Tally
from tillit.assessments.report.labels import OUTCOME_LABELS
from tillit.catalogue.models import localised


def report_content(assessment: Assessment, language: str) -> Report:
    with translation.override(language):
        # The verdict, its reason and the tallies come from the same selector as the page.
        result = selectors.result(assessment)
        findings = list(
            Finding.objects.filter(assessment=assessment)
            .select_related("question")
            .order_by("deadline", "created_at")
        )
        by_question: dict[object, list[Finding]] = defaultdict(list)
        for finding in findings:
            by_question[finding.question_id].append(finding)
        questions = [
            _question(question, language, by_question[question.pk])
            for question in selectors.questions_of(assessment).order_by("position")
        ]
        supplier = assessment.supplier
        return Report(
            language=language,
            title=assessment.title,
            organisation=assessment.organisation.name,
            supplier=f"{supplier.name} ({supplier.identifier})",
            contracts=tuple(
                assessment.contracts.order_by("service").values_list("service", flat=True)
            ),
            catalogue=f"{localised(assessment.catalogue.title, language)} "
            f"{assessment.catalogue.version}",
            status=str(assessment.get_status_display()),
            due_on=assessment.due_on,
            created_on=timezone.localdate(assessment.created_at),
            submitted_on=_local(assessment.submitted_at),
            completed_on=_local(assessment.completed_at),
            generated_on=timezone.localdate(),
            verdict=str(result.verdict or ""),
            verdict_label=result.verdict_label,
            reason=result.reason,
            rules=tuple(str(rule) for rule in scoring.RULES),
            areas=tuple(_tally(area, tally) for area, tally in result.areas.items()),
            total=_tally(_("Total"), result.total),
            questions=tuple(questions),
            findings=tuple(_finding(finding) for finding in findings),
        )


def _local(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def _tally(area: str, tally: scoring.Tally) -> Tally:
    return Tally(
        area=area,
        ska_met=tally.ska_met,
        ska_unmet=tally.ska_unmet,
        ska_excluded=tally.ska_excluded,
        bor_points=tally.bor_points,
        bor_possible=tally.bor_possible,
        pending=tally.pending,
    )


def _outcome(question: Question, findings: list[Finding]) -> scoring.Outcome:
    """How the answer enters the result: the rule selectors.result() applies, per question."""
    return scoring.outcome(
        scoring.Item(
            area="",
            mandatory=question.mandatory,
            answer=question.answer,
            review=question.review,
            finding_severities=tuple(
                f.severity for f in findings if f.status not in selectors.RESOLVED
            ),
            findings_resolved=sum(1 for f in findings if f.status in selectors.RESOLVED),
        )
    )


def _question(question: Question, language: str, findings: list[Finding]) -> ReportQuestion:
    return ReportQuestion(
        label=question.label,
        area=localised(question.area, language),
        title=localised(question.title, language),
        text=localised(question.text, language),
        mandatory=question.mandatory,
        answer=str(question.get_answer_display()) if question.answer else "",
        answered_by=question.answered_by,
        answered_on=_local(question.answered_at),
        description=question.description,
        evidence=tuple(sorted(document.name for document in question.evidence.all())),
        review=str(question.get_review_display()) if question.review else "",
        review_comment=question.review_comment,
        reviewed_by=str(question.reviewed_by or ""),
        reviewed_on=_local(question.reviewed_at),
        counts_as=str(OUTCOME_LABELS[_outcome(question, findings)]),
    )


def _finding(finding: Finding) -> ReportFinding:
    return ReportFinding(
        question=finding.question.label if finding.question else "",
        title=finding.title,
        severity=str(finding.get_severity_display()),
        required_action=finding.required_action,
        supplier_owner=finding.supplier_owner,
        deadline=finding.deadline,
        status=str(finding.get_status_display()),
        supplier_response=finding.supplier_response,
        responded_on=_local(finding.responded_at),
    )
