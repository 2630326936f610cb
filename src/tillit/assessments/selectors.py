"""Reads for assessments: lists, the explained result, and what other organisations share."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q, QuerySet

from tillit.assessments import scoring
from tillit.assessments.models import (
    Assessment,
    AssessmentStatus,
    Finding,
    FindingStatus,
    Question,
)
from tillit.catalogue.models import localised
from tillit.organisations.models import Organisation
from tillit.suppliers.models import Supplier

RESOLVED = (FindingStatus.VERIFIED, FindingStatus.CLOSED)


def assessments_of(organisation: Organisation) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(organisation=organisation)
        .select_related("supplier")
        .annotate(
            question_count=Count("questions", distinct=True),
            answered_count=Count("questions", filter=~Q(questions__answer=""), distinct=True),
            open_findings=Count(
                "findings", filter=~Q(findings__status__in=RESOLVED), distinct=True
            ),
        )
        .order_by("-created_at")
    )


def questions_of(assessment: Assessment) -> QuerySet[Question]:
    return assessment.questions.prefetch_related("evidence").select_related("reviewed_by")


def findings_of(organisation: Organisation) -> QuerySet[Finding]:
    return Finding.objects.filter(organisation=organisation).select_related(
        "assessment__supplier", "question"
    )


def result(assessment: Assessment) -> scoring.Result:
    """The explained result, from the questions and the findings on them (two queries)."""
    severities: dict[object, list[str]] = defaultdict(list)
    resolved: dict[object, int] = defaultdict(int)
    for question_id, severity, status in assessment.findings.values_list(
        "question_id", "severity", "status"
    ):
        if status in RESOLVED:
            resolved[question_id] += 1
        else:
            severities[question_id].append(severity)
    return scoring.score(
        scoring.Item(
            area=localised(area),
            mandatory=mandatory,
            answer=answer,
            review=review,
            finding_severities=tuple(severities[pk]),
            findings_resolved=resolved[pk],
        )
        for pk, area, mandatory, answer, review in assessment.questions.values_list(
            "pk", "area", "mandatory", "answer", "review"
        )
    )


def shared_with(organisation: Organisation, supplier: Supplier) -> QuerySet[Assessment]:
    """Other organisations' submitted assessments of this supplier that the supplier has
    consented to share with this organisation."""
    return (
        Assessment.objects.filter(
            supplier=supplier,
            status__in=(AssessmentStatus.SUBMITTED, AssessmentStatus.COMPLETED),
            consent__isnull=False,
            consent__withdrawn_at__isnull=True,
        )
        .filter(Q(consent__all_organisations=True) | Q(consent__organisations=organisation))
        .exclude(organisation=organisation)
        .select_related("organisation", "consent")
        .distinct()
        .order_by("-submitted_at")
    )
