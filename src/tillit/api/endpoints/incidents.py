"""Incidents at suppliers and the organisation's cases: register an incident, each case with
its regulatory clocks, mark a step done, the notification drafts and the impact, and the
lessons learned.

An incident is shared by every organisation it hits; each has its own case (its clocks, its
journal). Through the API an organisation sees its own cases, and of the incident's impact its
own part and the totals (never another organisation's systems or name). Lessons learned are
published to every organisation on the instance, with the publisher's name only if it chose so.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from tillit.api import fields
from tillit.api.access import api_access, user_of
from tillit.api.base import ApiView, Serializer, ordered, ordering_field, pick
from tillit.api.conditional import IF_MATCH, require_match
from tillit.api.endpoints.common import LocalisedTextField, PersonSerializer
from tillit.api.endpoints.suppliers import SupplierRefSerializer
from tillit.incidents import clocks, selectors, services
from tillit.incidents.drafts import DRAFTS, as_text
from tillit.incidents.impact import Impact, impact
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
from tillit.organisations.models import Organisation
from tillit.organisations.roles import Permission
from tillit.suppliers.selectors import suppliers_of

TAGS = ["incidents"]
DRAFT_PARAMETER = OpenApiParameter(
    "draft",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=sorted(DRAFTS),
    description="imy: personal data breach report to IMY (GDPR Art. 33(3)); certse: early "
    "warning to CERT-SE (NIS2 Art. 23(4)(a)).",
)


class IncidentSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    supplier = SupplierRefSerializer(read_only=True)
    title = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    started_at = serializers.DateTimeField(read_only=True)
    discovered_at = serializers.DateTimeField(read_only=True)
    affected_services = serializers.CharField(read_only=True)
    data_categories = serializers.CharField(read_only=True)
    severity = serializers.ChoiceField(choices=Severity.choices, read_only=True)
    status = serializers.ChoiceField(choices=IncidentStatus.choices, read_only=True)
    sources = serializers.CharField(read_only=True)
    reported_via = serializers.ChoiceField(choices=ReportedVia.choices, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class RegisteredSerializer(IncidentSerializer):
    organisations_hit = serializers.SerializerMethodField(
        help_text="How many organisations it hits (each got a case)."
    )
    case = serializers.SerializerMethodField(help_text="Your case, if it hits you.")

    def get_organisations_hit(self, incident: Incident) -> int:
        return incident.cases.count()

    def get_case(self, incident: Incident) -> UUID | None:
        case: Case | None = self.context["case"]
        return case.pk if case else None


class IncidentInputSerializer(Serializer):
    supplier = fields.UUIDField(
        required=False, allow_null=True, default=None, help_text="One of your suppliers…"
    )
    supplier_identifier = fields.CharField(
        max_length=30,
        required=False,
        default="",
        allow_blank=True,
        help_text="…or the organisationsnummer (or foreign registration number) of any supplier "
        "registered with Tillit.",
    )
    title = fields.CharField(max_length=200)
    description = fields.CharField(
        help_text="Seen by every organisation the incident hits: no personal data."
    )
    started_at = fields.DateTimeField(help_text="An estimate will do.")
    discovered_at = fields.DateTimeField()
    affected_services = fields.CharField(required=False, default="", allow_blank=True)
    data_categories = fields.CharField(required=False, default="", allow_blank=True)
    severity = serializers.ChoiceField(choices=Severity.choices)
    sources = fields.CharField(required=False, default="", allow_blank=True)


class StepSerializer(Serializer):
    key = serializers.CharField(
        source="__str__", read_only=True, help_text="<regime>.<step>, its address under steps/."
    )
    regime = serializers.CharField(read_only=True)
    regime_title = serializers.SerializerMethodField()
    legal_source = serializers.SerializerMethodField()
    recipient = serializers.SerializerMethodField()
    step = serializers.CharField(read_only=True)
    title = serializers.SerializerMethodField()
    due_at = serializers.DateTimeField(read_only=True)
    done_at = serializers.DateTimeField(read_only=True, allow_null=True)
    reference = serializers.CharField(read_only=True, help_text="The recipient's reference.")
    done_by = PersonSerializer(read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField()

    def _regime(self, step: ClockStep) -> clocks.Regime:
        return next(regime for regime in clocks.regimes() if regime.key == step.regime)

    @extend_schema_field(LocalisedTextField())
    def get_regime_title(self, step: ClockStep) -> dict[str, str]:
        return dict(self._regime(step).title)

    def get_legal_source(self, step: ClockStep) -> str:
        return self._regime(step).source

    @extend_schema_field(LocalisedTextField())
    def get_recipient(self, step: ClockStep) -> dict[str, str]:
        return dict(self._regime(step).recipient)

    @extend_schema_field(LocalisedTextField())
    def get_title(self, step: ClockStep) -> dict[str, str]:
        return dict(self._regime(step).step(step.step).title)

    def get_overdue(self, step: ClockStep) -> bool:
        return step.done_at is None and step.due_at < self.context["now"]


class CaseSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    incident = IncidentSerializer(read_only=True)
    path = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="How the incident reaches you: supplier names from your own supplier down.",
    )
    via_supplier = SupplierRefSerializer(read_only=True, help_text="Your supplier on the path.")
    status = serializers.ChoiceField(choices=CaseStatus.choices, read_only=True)
    notified_at = serializers.DateTimeField(read_only=True)
    aware_at = serializers.DateTimeField(
        read_only=True, help_text="When you became aware: the clocks count from it."
    )
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    close_reason = serializers.CharField(read_only=True)
    steps = StepSerializer(many=True, read_only=True, help_text="The regulatory clocks.")
    created_at = serializers.DateTimeField(read_only=True)


class CasePatchSerializer(Serializer):
    aware_at = fields.DateTimeField(
        help_text="When you became aware (not before the incident began): the clocks of the "
        "steps not yet done count from it."
    )


class CloseSerializer(Serializer):
    reason = fields.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="Required while a step is overdue and not done: why the case is closed anyway.",
    )


class NoteSerializer(Serializer):
    text = serializers.CharField(read_only=True)
    author = PersonSerializer(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)


class NoteInputSerializer(Serializer):
    text = fields.CharField()


class LessonSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    supplier = SupplierRefSerializer(read_only=True)
    incident = serializers.CharField(
        source="case.incident.title", read_only=True, help_text="The incident's title."
    )
    text = serializers.CharField(read_only=True)
    organisation = serializers.SerializerMethodField(
        help_text="The publishing organisation's name, if it chose to show it."
    )
    case = serializers.SerializerMethodField(help_text="Your case, if the lesson is yours.")
    published_at = serializers.DateTimeField(read_only=True)

    def get_organisation(self, lesson: Lesson) -> str | None:
        return lesson.case.organisation.name if lesson.show_organisation else None

    def get_case(self, lesson: Lesson) -> UUID | None:
        own = lesson.case.organisation_id == self.context["organisation"].pk
        return lesson.case_id if own else None


class LessonInputSerializer(Serializer):
    text = fields.CharField(help_text="Seen by every organisation on Tillit: no personal data.")
    show_organisation = fields.BooleanField(
        required=False, default=False, help_text="Show your organisation's name with it."
    )
    no_personal_data = fields.BooleanField(
        required=False,
        default=False,
        help_text="Confirm that the text holds no personal data (nothing is published without).",
    )


class LessonFilterSerializer(Serializer):
    supplier = fields.QueryUUIDField(required=False)


class StepDoneSerializer(Serializer):
    done_at = fields.DateTimeField(help_text="When the report was sent.")
    reference = fields.CharField(
        max_length=100, required=False, default="", allow_blank=True, help_text="Its reference."
    )


class DraftSerializer(Serializer):
    title = serializers.CharField(read_only=True)
    sections = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField(help_text="The whole draft as text, to paste.")

    @extend_schema_field(
        serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    )
    def get_sections(self, draft: Any) -> list[dict[str, str]]:
        return [{"heading": heading, "text": text} for heading, text in draft.sections]

    def get_text(self, draft: Any) -> str:
        return as_text(draft)


class CaseFilterSerializer(Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    supplier = fields.QueryUUIDField(required=False, help_text="The supplier of the incident.")
    ordering = ordering_field("created_at", "aware_at")


def _cases(organisation: Organisation) -> QuerySet[Case]:
    return (
        selectors.cases_of(organisation)
        .select_related("via_supplier")
        .prefetch_related("steps__done_by")
    )


def _case(organisation: Organisation, pk: UUID) -> Case:
    return get_object_or_404(_cases(organisation), pk=pk)


@contextmanager
def _locked_case(
    view: ApiView,
    request: Request,
    organisation: Organisation,
    pk: UUID,
    serializer_class: type[Serializer],
) -> Iterator[tuple[Case, dict[str, Any]]]:
    """The case, locked for a write in a transaction, with the request's input checked:
    another organisation's case is 404 before the input is looked at."""
    cases = _cases(organisation)
    get_object_or_404(cases, pk=pk)
    data = view.validated(serializer_class, request.data)
    with transaction.atomic():
        yield get_object_or_404(cases.select_for_update(of=("self",)), pk=pk), data


class IncidentRegister(ApiView):
    @extend_schema(
        operation_id="incidents_create",
        tags=TAGS,
        request=IncidentInputSerializer,
        responses={201: RegisteredSerializer},
        description="Register an incident at a supplier (yours, or any registered with Tillit "
        "by its number). A case with its clocks opens in every organisation it hits, through "
        "sub-processors too, and each is told.",
    )
    def post(self, request: Request, org: str) -> Response:
        access = api_access(request, org, Permission.EDIT)
        organisation = access.organisation
        values = self.validated(IncidentInputSerializer, request.data)
        chosen, identifier = values.pop("supplier"), values.pop("supplier_identifier").strip()
        if chosen is not None and identifier:
            raise ValidationError(
                {"supplier_identifier": [_("Name the supplier one way, not both.")]}
            )
        if identifier:
            supplier = selectors.supplier_by_identifier(identifier)
            if supplier is None:
                raise ValidationError(
                    {"supplier_identifier": [_("No supplier with that number is registered.")]}
                )
        elif chosen is not None:
            supplier = pick(suppliers_of(organisation), chosen, "supplier")
        else:
            raise ValidationError({"supplier": [_("Choose the supplier.")]})
        incident = services.incident_register(
            acting_user=user_of(request),
            via=ReportedVia.STAFF,
            supplier=supplier,
            reporting_organisation=organisation,
            **values,
        )
        case = incident.cases.filter(organisation=organisation).first()
        location = reverse("api-case-detail", args=[org, case.pk]) if case else ""
        return self.one(
            request, incident, RegisteredSerializer, status=201, location=location, case=case
        )


class CaseList(ApiView):
    @extend_schema(
        operation_id="cases_list",
        tags=TAGS,
        parameters=[CaseFilterSerializer],
        responses=CaseSerializer(many=True),
    )
    def get(self, request: Request, org: str) -> Response:
        access = api_access(request, org)
        filters = self.query(CaseFilterSerializer, request)
        found = _cases(access.organisation)
        if status := filters.get("status"):
            found = found.filter(status=status)
        if supplier := filters.get("supplier"):
            found = found.filter(incident__supplier=supplier)
        found = ordered(found, filters.get("ordering"), "-created_at")
        return self.page(request, found, CaseSerializer, now=timezone.now())


class CaseDetail(ApiView):
    @extend_schema(operation_id="cases_retrieve", tags=TAGS, responses=CaseSerializer)
    def get(self, request: Request, org: str, case: UUID) -> Response:
        access = api_access(request, org)
        target = _case(access.organisation, case)
        return self.one(request, target, CaseSerializer, now=timezone.now())

    @extend_schema(
        operation_id="cases_partial_update",
        tags=TAGS,
        parameters=[IF_MATCH],
        request=CasePatchSerializer,
        responses=CaseSerializer,
        description="Say when you became aware of the incident; the deadlines of the steps not "
        "yet done are counted again from then.",
    )
    def patch(self, request: Request, org: str, case: UUID) -> Response:
        access = api_access(request, org, Permission.EDIT)
        locked = _locked_case(self, request, access.organisation, case, CasePatchSerializer)
        with locked as (target, data):
            now = timezone.now()
            require_match(request, self.current_etag(request, target, CaseSerializer, now=now))
            services.case_set_aware(acting_user=user_of(request), case=target, **data)
        return self.one(request, _case(access.organisation, case), CaseSerializer, now=now)


class CaseClose(ApiView):
    @extend_schema(
        operation_id="cases_close",
        tags=TAGS,
        request=CloseSerializer,
        responses=CaseSerializer,
        description="Close the case. While a step is overdue and not done, only with a reason.",
    )
    def post(self, request: Request, org: str, case: UUID) -> Response:
        access = api_access(request, org, Permission.EDIT)
        locked = _locked_case(self, request, access.organisation, case, CloseSerializer)
        with locked as (target, data):
            services.case_close(acting_user=user_of(request), case=target, **data)
        target = _case(access.organisation, case)
        return self.one(request, target, CaseSerializer, now=timezone.now())


class NoteList(ApiView):
    @extend_schema(
        operation_id="cases_notes_list",
        tags=TAGS,
        responses=NoteSerializer(many=True),
        description="The case's journal, oldest first. Notes are never changed or removed.",
    )
    def get(self, request: Request, org: str, case: UUID) -> Response:
        access = api_access(request, org)
        target = _case(access.organisation, case)
        entries = CaseEntry.objects.filter(case=target).select_related("author")
        return self.page(request, entries.order_by("created_at", "pk"), NoteSerializer)

    @extend_schema(
        operation_id="cases_notes_create",
        tags=TAGS,
        request=NoteInputSerializer,
        responses={201: NoteSerializer},
        description="Add a note to the case's journal.",
    )
    def post(self, request: Request, org: str, case: UUID) -> Response:
        access = api_access(request, org, Permission.EDIT)
        target = _case(access.organisation, case)
        data = self.validated(NoteInputSerializer, request.data)
        entry = services.case_note(acting_user=user_of(request), case=target, **data)
        found = CaseEntry.objects.select_related("author").get(pk=entry.pk)
        return self.one(request, found, NoteSerializer, status=201)


class LessonPublish(ApiView):
    @extend_schema(
        operation_id="cases_lesson_publish",
        tags=TAGS,
        request=LessonInputSerializer,
        responses={201: LessonSerializer},
        description="Share what you learnt from a closed case with every organisation on "
        "Tillit (once a case). Confirm that the text holds no personal data; your "
        "organisation's name is shown only if you choose.",
    )
    def post(self, request: Request, org: str, case: UUID) -> Response:
        access = api_access(request, org, Permission.EDIT)
        # Locked: a case has one lesson, checked and published as read.
        locked = _locked_case(self, request, access.organisation, case, LessonInputSerializer)
        with locked as (target, data):
            lesson = services.lesson_publish(acting_user=user_of(request), case=target, **data)
        found = selectors.lessons().get(pk=lesson.pk)
        return self.one(
            request, found, LessonSerializer, status=201, organisation=access.organisation
        )


class LessonList(ApiView):
    @extend_schema(
        operation_id="lessons_list",
        tags=TAGS,
        parameters=[LessonFilterSerializer],
        responses=LessonSerializer(many=True),
        description="What organisations on Tillit learnt from incidents at their suppliers, "
        "shared after their cases were closed; the newest first.",
    )
    def get(self, request: Request, org: str) -> Response:
        access = api_access(request, org)
        filters = self.query(LessonFilterSerializer, request)
        found = selectors.lessons()
        if supplier := filters.get("supplier"):
            found = found.filter(supplier=supplier)
        found = ordered(found, None, "-published_at")
        return self.page(request, found, LessonSerializer, organisation=access.organisation)


class StepDone(ApiView):
    @extend_schema(
        operation_id="cases_steps_done",
        tags=TAGS,
        request=StepDoneSerializer,
        responses=StepSerializer,
        description="Mark a step of a clock done (the report sent), with when and the "
        "recipient's reference number. The steps that follow it count from then.",
    )
    def post(self, request: Request, org: str, case: UUID, step: str) -> Response:
        access = api_access(request, org, Permission.EDIT)
        target = _case(access.organisation, case)
        regime, _dot, key = step.partition(".")
        steps = ClockStep.objects.filter(case=target, regime=regime, step=key)
        if not steps.exists():
            raise NotFound
        data = self.validated(StepDoneSerializer, request.data)
        with transaction.atomic():
            found = steps.select_for_update().select_related("case__incident").get()
            services.step_done(acting_user=user_of(request), step=found, **data)
        found = steps.select_related("done_by").get()
        return self.one(request, found, StepSerializer, now=timezone.now())


class DraftDetail(ApiView):
    @extend_schema(
        operation_id="cases_drafts_retrieve",
        tags=TAGS,
        parameters=[DRAFT_PARAMETER],
        responses=DraftSerializer,
        description="A notification filled in from the case, in Swedish (the language of the "
        "forms it feeds), for a person to check, complete and send. [Fyll i] marks what Tillit "
        "cannot know.",
    )
    def get(self, request: Request, org: str, case: UUID, draft: str) -> Response:
        access = api_access(request, org)
        target = _case(access.organisation, case)
        if draft not in DRAFTS:
            raise NotFound
        return self.one(request, DRAFTS[draft](target), DraftSerializer)


class SystemImpactSerializer(Serializer):
    name = serializers.CharField(read_only=True)
    personal_data = serializers.ChoiceField(
        choices=["none", "ordinary", "sensitive", "criminal"], read_only=True
    )
    protected_identities = serializers.CharField(read_only=True)
    data_subjects = serializers.IntegerField(read_only=True)


class DeadlineSerializer(Serializer):
    regime = serializers.CharField(read_only=True)
    step = serializers.CharField(read_only=True)
    due = serializers.DateTimeField(read_only=True)


class AffectedSerializer(Serializer):
    orgnr = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    path = serializers.ListField(child=serializers.CharField(), read_only=True)
    systems = SystemImpactSerializer(many=True, read_only=True)
    data_subjects = serializers.IntegerField(read_only=True)
    protected_identities = serializers.BooleanField(read_only=True)
    deadlines = DeadlineSerializer(
        many=True, read_only=True, help_text="Counted from when you became aware."
    )


class ImpactSupplierSerializer(Serializer):
    orgnr = serializers.CharField(read_only=True, help_text="Or country and registration number.")
    name = serializers.CharField(read_only=True)


class ImpactTotalsSerializer(Serializer):
    organisations = serializers.IntegerField(read_only=True)
    systems = serializers.IntegerField(read_only=True)
    data_subjects = serializers.IntegerField(read_only=True)
    organisations_with_protected_identities = serializers.IntegerField(read_only=True)


class ImpactSerializer(Serializer):
    supplier = ImpactSupplierSerializer(read_only=True)
    organisations = AffectedSerializer(
        many=True,
        read_only=True,
        help_text="Your organisation, if the supplier's contracts reach it now (else empty).",
    )
    totals = ImpactTotalsSerializer(read_only=True, help_text="Across every organisation hit.")


def own_impact(found: Impact, organisation: Organisation, case: Case) -> dict[str, Any]:
    """`tillit incident impact --json` as the organisation may see it: its own entry, and the
    totals over everyone."""
    own = [entry for entry in found.organisations if entry.organisation_id == organisation.pk]
    return Impact(found.supplier, own).as_json(case.aware_at) | {"totals": found.totals}


class ImpactDetail(ApiView):
    @extend_schema(
        operation_id="cases_impact_retrieve",
        tags=TAGS,
        responses=ImpactSerializer,
        description="Whom the incident hits now, through sub-processors at any depth: as "
        "`tillit incident impact --json` gives it, with your own systems, data and deadlines "
        "and, of the others, only the totals.",
    )
    def get(self, request: Request, org: str, case: UUID) -> Response:
        access = api_access(request, org)
        target = _case(access.organisation, case)
        data = own_impact(impact(target.incident.supplier), access.organisation, target)
        return self.one(request, data, ImpactSerializer)
