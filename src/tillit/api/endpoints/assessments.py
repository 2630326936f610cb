"""Supplier assessments: the questionnaire with the supplier's answers, links that send it to
the supplier, the review, and the findings with their lifecycle.

The supplier answers through its portal link, never through the API: the API is the
organisation's side.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tillit.api import fields
from tillit.api.access import api_access, user_of
from tillit.api.base import ApiView, Serializer, ordered, ordering_field, pick, pick_many
from tillit.api.conditional import IF_MATCH, require_match
from tillit.api.endpoints.common import LocalisedTextField, PersonSerializer
from tillit.api.endpoints.suppliers import SupplierRefSerializer
from tillit.assessments import selectors, services
from tillit.assessments.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Finding,
    FindingStatus,
    PortalLink,
    Question,
    Review,
    Severity,
)
from tillit.assessments.scoring import Verdict
from tillit.organisations.models import Organisation
from tillit.organisations.roles import Permission
from tillit.suppliers.models import Contract

TAGS = ["assessments"]


class TallySerializer(Serializer):
    ska_met = serializers.IntegerField(read_only=True)
    ska_unmet = serializers.IntegerField(read_only=True)
    ska_excluded = serializers.IntegerField(read_only=True, help_text="Not applicable.")
    bor_points = serializers.IntegerField(read_only=True)
    bor_possible = serializers.IntegerField(read_only=True)
    pending = serializers.IntegerField(read_only=True, help_text="Not yet reviewed.")


class ResultSerializer(Serializer):
    verdict = serializers.ChoiceField(
        choices=[verdict.value for verdict in Verdict],
        read_only=True,
        allow_null=True,
        help_text="null while answers are still to be reviewed.",
    )
    reason = serializers.CharField(read_only=True)
    total = TallySerializer(read_only=True)


class AssessmentSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    title = serializers.CharField(read_only=True)
    supplier = SupplierRefSerializer(read_only=True)
    contracts = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=AssessmentStatus.choices, read_only=True)
    due_on = serializers.DateField(read_only=True, allow_null=True)
    catalogue = serializers.UUIDField(source="catalogue_id", read_only=True)
    question_count = serializers.IntegerField(read_only=True)
    answered_count = serializers.IntegerField(read_only=True)
    open_findings = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    completed_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def get_contracts(self, assessment: Assessment) -> list[UUID]:
        return sorted(contract.pk for contract in assessment.contracts.all())


class AssessmentDetailSerializer(AssessmentSerializer):
    result = serializers.SerializerMethodField(help_text="The explained result, so far.")

    @extend_schema_field(ResultSerializer)
    def get_result(self, assessment: Assessment) -> dict[str, Any]:
        return dict(ResultSerializer(selectors.result(assessment)).data)


class AssessmentInputSerializer(Serializer):
    title = fields.CharField(max_length=200)
    contracts = serializers.ListField(
        child=fields.UUIDField(),
        max_length=1000,
        help_text="Contract ids, all with the same supplier; the questions follow the "
        "classification of the systems they serve.",
    )
    due_on = fields.DateField(
        required=False, allow_null=True, default=None, help_text="Answer by this day."
    )


class AssessmentFilterSerializer(Serializer):
    status = serializers.ChoiceField(choices=AssessmentStatus.choices, required=False)
    supplier = fields.QueryUUIDField(required=False)
    ordering = ordering_field("created_at", "title", "due_on")


def _assessments(organisation: Organisation) -> QuerySet[Assessment]:
    return selectors.assessments_of(organisation).prefetch_related("contracts")


def _assessment(organisation: Organisation, pk: UUID) -> Assessment:
    return get_object_or_404(_assessments(organisation), pk=pk)


class AssessmentList(ApiView):
    @extend_schema(
        operation_id="assessments_list",
        tags=TAGS,
        parameters=[AssessmentFilterSerializer],
        responses=AssessmentSerializer(many=True),
    )
    def get(self, request: Request, org: str) -> Response:
        access = api_access(request, org)
        filters = self.query(AssessmentFilterSerializer, request)
        found = _assessments(access.organisation)
        if status := filters.get("status"):
            found = found.filter(status=status)
        if supplier := filters.get("supplier"):
            found = found.filter(supplier=supplier)
        found = ordered(found, filters.get("ordering"), "-created_at")
        return self.page(request, found, AssessmentSerializer)

    @extend_schema(
        operation_id="assessments_create",
        tags=TAGS,
        request=AssessmentInputSerializer,
        responses={201: AssessmentDetailSerializer},
        description="Start an assessment: the questionnaire is generated from the merged "
        "requirement profile of the systems the contracts serve. It is a draft until a link "
        "sends it to the supplier (…/links/).",
    )
    def post(self, request: Request, org: str) -> Response:
        access = api_access(request, org, Permission.EDIT)
        organisation = access.organisation
        data = self.validated(AssessmentInputSerializer, request.data)
        contracts = Contract.objects.filter(organisation=organisation)
        assessment = services.assessment_create(
            acting_user=user_of(request),
            organisation=organisation,
            contracts=pick_many(contracts, data["contracts"], "contracts"),
            title=data["title"],
            due_on=data["due_on"],
        )
        location = reverse("api-assessment-detail", args=[org, assessment.pk])
        target = _assessment(organisation, assessment.pk)
        return self.one(request, target, AssessmentDetailSerializer, status=201, location=location)


class AssessmentDetail(ApiView):
    @extend_schema(
        operation_id="assessments_retrieve", tags=TAGS, responses=AssessmentDetailSerializer
    )
    def get(self, request: Request, org: str, assessment: UUID) -> Response:
        access = api_access(request, org)
        target = _assessment(access.organisation, assessment)
        return self.one(request, target, AssessmentDetailSerializer)


class AssessmentComplete(ApiView):
    @extend_schema(
        operation_id="assessments_complete",
        tags=TAGS,
        request=None,
        responses=AssessmentDetailSerializer,
        description="Finish the review of a submitted assessment: every unmet ska-krav without "
        "a finding gets one (high severity, 90 days; adjust it under …/findings/).",
    )
    def post(self, request: Request, org: str, assessment: UUID) -> Response:
        access = api_access(request, org, Permission.EDIT)
        target = _assessment(access.organisation, assessment)
        services.review_complete(acting_user=user_of(request), assessment=target)
        return self.one(
            request, _assessment(access.organisation, assessment), AssessmentDetailSerializer
        )


class AssessmentReopen(ApiView):
    @extend_schema(
        operation_id="assessments_reopen",
        tags=TAGS,
        request=None,
        responses=AssessmentDetailSerializer,
        description="Let the supplier change its answers again (submitted, not yet completed).",
    )
    def post(self, request: Request, org: str, assessment: UUID) -> Response:
        access = api_access(request, org, Permission.EDIT)
        target = _assessment(access.organisation, assessment)
        services.assessment_reopen(acting_user=user_of(request), assessment=target)
        return self.one(
            request, _assessment(access.organisation, assessment), AssessmentDetailSerializer
        )


# -- Portal links -----------------------------------------------------------------------------


class LinkSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    contact_name = serializers.CharField(read_only=True)
    contact_email = serializers.EmailField(read_only=True)
    created_by = PersonSerializer(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)
    revoked_at = serializers.DateTimeField(read_only=True, allow_null=True)
    last_used_at = serializers.DateTimeField(read_only=True, allow_null=True)


class LinkInputSerializer(Serializer):
    contact_name = fields.CharField(max_length=200)
    contact_email = fields.EmailField()


class LinkList(ApiView):
    @extend_schema(
        operation_id="assessments_links_list", tags=TAGS, responses=LinkSerializer(many=True)
    )
    def get(self, request: Request, org: str, assessment: UUID) -> Response:
        access = api_access(request, org)
        target = _assessment(access.organisation, assessment)
        links = PortalLink.objects.filter(assessment=target).select_related("created_by")
        return self.page(request, links.order_by("-created_at", "pk"), LinkSerializer)

    @extend_schema(
        operation_id="assessments_links_create",
        tags=TAGS,
        request=LinkInputSerializer,
        responses={201: LinkSerializer},
        description="Send the questionnaire to a contact at the supplier: a link valid for 30 "
        "days is mailed to them (and only to them; the API never shows it). The first link "
        "sends a draft assessment to the supplier.",
    )
    def post(self, request: Request, org: str, assessment: UUID) -> Response:
        access = api_access(request, org, Permission.EDIT)
        target = _assessment(access.organisation, assessment)
        data = self.validated(LinkInputSerializer, request.data)
        link, _token = services.link_issue(acting_user=user_of(request), assessment=target, **data)
        return self.one(request, link, LinkSerializer, status=201)


class LinkRevoke(ApiView):
    @extend_schema(
        operation_id="assessments_links_revoke",
        tags=TAGS,
        request=None,
        responses=LinkSerializer,
        description="Stop a link from working (at once; revoking it again changes nothing).",
    )
    def post(self, request: Request, org: str, assessment: UUID, link: UUID) -> Response:
        access = api_access(request, org, Permission.EDIT)
        target = _assessment(access.organisation, assessment)
        links = PortalLink.objects.filter(assessment=target).select_related(
            "assessment", "created_by"
        )
        with transaction.atomic():
            found = get_object_or_404(links.select_for_update(of=("self",)), pk=link)
            services.link_revoke(acting_user=user_of(request), link=found)
        return self.one(request, links.get(pk=link), LinkSerializer)


# -- Questions, answers and the review --------------------------------------------------------


class QuestionSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    requirement_key = serializers.CharField(
        read_only=True, help_text="The catalogue requirement; empty for a question added by hand."
    )
    area = LocalisedTextField()
    title = LocalisedTextField()
    text = LocalisedTextField()
    verification = LocalisedTextField()
    mandatory = serializers.BooleanField(read_only=True, help_text="A ska-krav.")
    answer = serializers.ChoiceField(
        choices=Answer.choices, read_only=True, allow_blank=True, help_text="Empty: unanswered."
    )
    description = serializers.CharField(read_only=True, help_text="The supplier's explanation.")
    evidence = serializers.SerializerMethodField(help_text="Document ids.")
    answered_by = serializers.CharField(read_only=True)
    answered_at = serializers.DateTimeField(read_only=True, allow_null=True)
    review = serializers.ChoiceField(
        choices=Review.choices, read_only=True, allow_blank=True, help_text="Empty: not reviewed."
    )
    review_comment = serializers.CharField(read_only=True)
    reviewed_by = PersonSerializer(read_only=True, allow_null=True)
    reviewed_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def get_evidence(self, question: Question) -> list[UUID]:
        return sorted(document.pk for document in question.evidence.all())


class QuestionInputSerializer(Serializer):
    area = fields.CharField(
        max_length=200,
        required=False,
        default="",
        allow_blank=True,
        help_text="Where it goes; empty: additional questions.",
    )
    text = fields.CharField()
    mandatory = fields.BooleanField(required=False, default=False, help_text="A ska-krav.")


class ReviewInputSerializer(Serializer):
    review = serializers.ChoiceField(choices=Review.choices)
    comment = fields.CharField(
        required=False, default="", allow_blank=True, help_text="Required when rejecting."
    )


class QuestionList(ApiView):
    @extend_schema(
        operation_id="assessments_questions_list",
        tags=TAGS,
        responses=QuestionSerializer(many=True),
        description="The questionnaire in order, with the supplier's answers and the review.",
    )
    def get(self, request: Request, org: str, assessment: UUID) -> Response:
        access = api_access(request, org)
        target = _assessment(access.organisation, assessment)
        return self.page(request, selectors.questions_of(target), QuestionSerializer)

    @extend_schema(
        operation_id="assessments_questions_create",
        tags=TAGS,
        request=QuestionInputSerializer,
        responses={201: QuestionSerializer},
        description="Add a question of your own at the end (before the supplier submits). It "
        "is asked as written, in whichever language that is.",
    )
    def post(self, request: Request, org: str, assessment: UUID) -> Response:
        access = api_access(request, org, Permission.EDIT)
        target = _assessment(access.organisation, assessment)
        data = self.validated(QuestionInputSerializer, request.data)
        with transaction.atomic():
            # Locked: the status it is checked in, and the next position, stay as read.
            locked = Assessment.objects.select_for_update().get(pk=target.pk)
            question = services.question_add(
                acting_user=user_of(request), assessment=locked, **data
            )
        location = reverse("api-question-detail", args=[org, assessment, question.pk])
        found = _question(target, question.pk)
        return self.one(request, found, QuestionSerializer, status=201, location=location)


def _question(assessment: Assessment, pk: UUID) -> Question:
    return get_object_or_404(selectors.questions_of(assessment), pk=pk)


class QuestionDetail(ApiView):
    @extend_schema(
        operation_id="assessments_questions_retrieve", tags=TAGS, responses=QuestionSerializer
    )
    def get(self, request: Request, org: str, assessment: UUID, question: UUID) -> Response:
        access = api_access(request, org)
        target = _assessment(access.organisation, assessment)
        return self.one(request, _question(target, question), QuestionSerializer)

    @extend_schema(
        operation_id="assessments_questions_review",
        tags=TAGS,
        parameters=[IF_MATCH],
        request=ReviewInputSerializer,
        responses=QuestionSerializer,
        description="Review the supplier's answer (after it has submitted): accept it, or "
        "reject it saying why.",
    )
    def patch(self, request: Request, org: str, assessment: UUID, question: UUID) -> Response:
        access = api_access(request, org, Permission.EDIT)
        target = _assessment(access.organisation, assessment)
        _question(target, question)  # another's is 404 before anything else
        data = self.validated(ReviewInputSerializer, request.data)
        with transaction.atomic():
            get_object_or_404(target.questions.select_for_update(), pk=question)
            found = _question(target, question)
            require_match(request, self.current_etag(request, found, QuestionSerializer))
            services.answer_review(
                acting_user=user_of(request),
                question=found,
                review=data["review"],
                comment=data["comment"],
            )
        return self.one(request, _question(target, question), QuestionSerializer)


# -- Findings ---------------------------------------------------------------------------------


class FindingSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    assessment = serializers.UUIDField(source="assessment_id", read_only=True)
    supplier = SupplierRefSerializer(source="assessment.supplier", read_only=True)
    question = serializers.UUIDField(source="question_id", read_only=True, allow_null=True)
    title = serializers.CharField(read_only=True)
    severity = serializers.ChoiceField(choices=Severity.choices, read_only=True)
    required_action = serializers.CharField(read_only=True)
    supplier_owner = serializers.CharField(read_only=True)
    deadline = serializers.DateField(read_only=True)
    status = serializers.ChoiceField(choices=FindingStatus.choices, read_only=True)
    moves = serializers.SerializerMethodField(
        help_text="The statuses you may move it to (…/status/)."
    )
    supplier_response = serializers.CharField(read_only=True)
    responded_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(FindingStatus.choices))
    )
    def get_moves(self, finding: Finding) -> list[str]:
        return sorted(services.STAFF_TRANSITIONS[FindingStatus(finding.status)])


class FindingFieldsSerializer(Serializer):
    title = fields.CharField(max_length=300)
    severity = serializers.ChoiceField(choices=Severity.choices)
    required_action = fields.CharField()
    supplier_owner = fields.CharField(max_length=200, required=False, allow_blank=True)
    deadline = fields.DateField()


class FindingInputSerializer(FindingFieldsSerializer):
    assessment = fields.UUIDField(help_text="A submitted or completed assessment.")
    question = fields.UUIDField(
        required=False, allow_null=True, default=None, help_text="A question of the assessment."
    )


class FindingPatchSerializer(FindingFieldsSerializer):
    title = fields.CharField(max_length=300, required=False)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    required_action = fields.CharField(required=False)
    deadline = fields.DateField(required=False)


class FindingMoveSerializer(Serializer):
    status = serializers.ChoiceField(choices=FindingStatus.choices)


class FindingFilterSerializer(Serializer):
    status = serializers.ChoiceField(choices=FindingStatus.choices, required=False)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    assessment = fields.QueryUUIDField(required=False)
    ordering = ordering_field("deadline", "created_at", "severity")


class FindingList(ApiView):
    @extend_schema(
        operation_id="findings_list",
        tags=TAGS,
        parameters=[FindingFilterSerializer],
        responses=FindingSerializer(many=True),
    )
    def get(self, request: Request, org: str) -> Response:
        access = api_access(request, org)
        filters = self.query(FindingFilterSerializer, request)
        found = selectors.findings_of(access.organisation)
        for name in ("status", "severity", "assessment"):
            if value := filters.get(name):
                found = found.filter(**{name: value})
        found = ordered(found, filters.get("ordering"), "deadline")
        return self.page(request, found, FindingSerializer)

    @extend_schema(
        operation_id="findings_create",
        tags=TAGS,
        request=FindingInputSerializer,
        responses={201: FindingSerializer},
        description="Raise a finding (avvikelse) in a submitted or completed assessment.",
    )
    def post(self, request: Request, org: str) -> Response:
        access = api_access(request, org, Permission.EDIT)
        data = self.validated(FindingInputSerializer, request.data)
        assessment = pick(
            Assessment.objects.filter(organisation=access.organisation),
            data.pop("assessment"),
            "assessment",
        )
        question_id = data.pop("question")
        question = None
        if question_id is not None:
            question = pick(assessment.questions.all(), question_id, "question")
        finding = services.finding_create(
            acting_user=user_of(request), assessment=assessment, question=question, **data
        )
        location = reverse("api-finding-detail", args=[org, finding.pk])
        target = selectors.findings_of(access.organisation).get(pk=finding.pk)
        return self.one(request, target, FindingSerializer, status=201, location=location)


class FindingDetail(ApiView):
    @extend_schema(operation_id="findings_retrieve", tags=TAGS, responses=FindingSerializer)
    def get(self, request: Request, org: str, finding: UUID) -> Response:
        access = api_access(request, org)
        target = access.get(selectors.findings_of(access.organisation), pk=finding)
        return self.one(request, target, FindingSerializer)

    @extend_schema(
        operation_id="findings_partial_update",
        tags=TAGS,
        parameters=[IF_MATCH],
        request=FindingPatchSerializer,
        responses=FindingSerializer,
    )
    def patch(self, request: Request, org: str, finding: UUID) -> Response:
        access = api_access(request, org, Permission.EDIT)
        findings = selectors.findings_of(access.organisation)
        access.get(findings, pk=finding)  # another's is 404 before anything else
        data = self.validated(FindingPatchSerializer, request.data, partial=True)
        with transaction.atomic():
            target = access.get(findings.select_for_update(of=("self",)), pk=finding)
            require_match(request, self.current_etag(request, target, FindingSerializer))
            services.finding_update(acting_user=user_of(request), finding=target, **data)
        return self.one(request, findings.get(pk=finding), FindingSerializer)


class FindingMove(ApiView):
    @extend_schema(
        operation_id="findings_move",
        tags=TAGS,
        request=FindingMoveSerializer,
        responses=FindingSerializer,
        description="Move the finding along its lifecycle: open → closed; remediated (by the "
        "supplier) → verified or back to open; verified → closed or open; closed → open.",
    )
    def post(self, request: Request, org: str, finding: UUID) -> Response:
        access = api_access(request, org, Permission.EDIT)
        findings = selectors.findings_of(access.organisation)
        access.get(findings, pk=finding)  # another's is 404 before anything else
        data = self.validated(FindingMoveSerializer, request.data)
        with transaction.atomic():
            target = access.get(findings.select_for_update(of=("self",)), pk=finding)
            services.finding_move(acting_user=user_of(request), finding=target, **data)
        return self.one(request, findings.get(pk=finding), FindingSerializer)
