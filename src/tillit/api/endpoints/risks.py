"""The risk register: risks with likelihood and consequence before and after measures on the
organisation's matrix, their treatment, the decision to accept one, and the risk settings (the
matrix and the risk appetite).

Accepting a risk above the organisation's risk appetite is management's (and administrators'):
the Accept-risk permission, which a read-write token of theirs carries. At or below it, any
editor may. Setting the matrix and the appetite takes the same permission, as in Tillit's page;
every member sees them, as the register shows them.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.lookups import In
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tillit.api import fields
from tillit.api.access import api_access, user_of
from tillit.api.base import ApiView, Serializer, ordered, ordering_field, pick
from tillit.api.conditional import IF_MATCH, require_match
from tillit.api.endpoints.common import PersonSerializer, email_field, owner_of
from tillit.organisations.models import Organisation
from tillit.organisations.roles import Permission
from tillit.risks import selectors, services
from tillit.risks.matrix import SIZES, Band
from tillit.risks.models import Risk, RiskSettings, RiskStatus, Treatment

TAGS = ["risks"]
# Accepted is reached through …/acceptance/ only.
STATUSES = [RiskStatus.OPEN, RiskStatus.TREATING, RiskStatus.CLOSED]
LINK_HELP = {
    "supplier": "One of your suppliers.",
    "contract": "One of your contracts (with that supplier, if one is named).",
    "asset": "One of your assets.",
    "finding": "One of your findings.",
    "case": "One of your incident cases.",
}


class RiskSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    title = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    supplier = serializers.UUIDField(source="supplier_id", read_only=True, allow_null=True)
    contract = serializers.UUIDField(source="contract_id", read_only=True, allow_null=True)
    asset = serializers.UUIDField(source="asset_id", read_only=True, allow_null=True)
    finding = serializers.UUIDField(source="finding_id", read_only=True, allow_null=True)
    case = serializers.UUIDField(source="case_id", read_only=True, allow_null=True)
    inherent_likelihood = serializers.IntegerField(read_only=True)
    inherent_consequence = serializers.IntegerField(read_only=True)
    inherent_level = serializers.IntegerField(read_only=True)
    inherent_band = serializers.SerializerMethodField()
    residual_likelihood = serializers.IntegerField(read_only=True)
    residual_consequence = serializers.IntegerField(read_only=True)
    residual_level = serializers.IntegerField(read_only=True)
    residual_band = serializers.SerializerMethodField()
    above_appetite = serializers.SerializerMethodField(
        help_text="The residual level is above the risk appetite: only management may accept."
    )
    treatment = serializers.ChoiceField(
        choices=Treatment.choices, read_only=True, allow_blank=True, help_text="Empty: not decided."
    )
    measures = serializers.CharField(read_only=True)
    owner = PersonSerializer(read_only=True, allow_null=True)
    due_on = serializers.DateField(read_only=True, allow_null=True)
    review_on = serializers.DateField(read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=RiskStatus.choices, read_only=True)
    accepted_on = serializers.DateField(read_only=True, allow_null=True)
    accepted_by = PersonSerializer(read_only=True, allow_null=True)
    acceptance_reason = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def _settings(self) -> RiskSettings:
        settings: RiskSettings = self.context["settings"]
        return settings

    @extend_schema_field(serializers.ChoiceField(choices=Band.choices))
    def get_inherent_band(self, risk: Any) -> str:
        return self._settings().matrix.band(risk.inherent_level).value

    @extend_schema_field(serializers.ChoiceField(choices=Band.choices))
    def get_residual_band(self, risk: Any) -> str:
        return self._settings().matrix.band(risk.residual_level).value

    def get_above_appetite(self, risk: Any) -> bool:
        return bool(risk.residual_level > self._settings().appetite)


def _value(**kwargs: Any) -> serializers.IntegerField:
    return fields.IntegerField(
        min_value=1, max_value=5, help_text="1 to the size of your matrix.", **kwargs
    )


def _link(name: str) -> serializers.UUIDField:
    return fields.UUIDField(required=False, allow_null=True, help_text=LINK_HELP[name])


class RiskFieldsSerializer(Serializer):
    title = fields.CharField(max_length=200)
    description = fields.CharField(required=False, allow_blank=True)
    supplier = _link("supplier")
    contract = _link("contract")
    asset = _link("asset")
    finding = _link("finding")
    case = _link("case")
    inherent_likelihood = _value()
    inherent_consequence = _value()
    residual_likelihood = _value(required=False, allow_null=True)
    residual_consequence = _value(required=False, allow_null=True)
    treatment = serializers.ChoiceField(choices=Treatment.choices, required=False, allow_blank=True)
    measures = fields.CharField(
        required=False, allow_blank=True, help_text="Required with a treatment other than accept."
    )
    owner = email_field(required=False, allow_null=True)
    due_on = fields.DateField(required=False, allow_null=True)
    review_on = fields.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(
        choices=STATUSES,
        required=False,
        help_text="Accept a risk with …/acceptance/.",
    )


class RiskPatchSerializer(RiskFieldsSerializer):
    title = fields.CharField(max_length=200, required=False)
    inherent_likelihood = _value(required=False)
    inherent_consequence = _value(required=False)


class AcceptanceSerializer(Serializer):
    accepted_on = fields.DateField(help_text="The date of the decision (not in the future).")
    reason = fields.CharField(
        required=False, default="", allow_blank=True, help_text="Required above the appetite."
    )


class BandRangeSerializer(Serializer):
    band = serializers.ChoiceField(choices=Band.choices, read_only=True)
    first = serializers.IntegerField(read_only=True)
    last = serializers.IntegerField(read_only=True)


class RiskSettingsSerializer(Serializer):
    matrix_size = serializers.ChoiceField(
        choices=SIZES,
        read_only=True,
        help_text="The matrix is matrix_size by matrix_size: likelihood and consequence run from "
        "1 to it.",
    )
    appetite = serializers.IntegerField(
        read_only=True,
        help_text="The risk appetite: the highest level after measures that an editor may "
        "accept; above it only management.",
    )
    bands = BandRangeSerializer(
        source="matrix.ranges",
        many=True,
        read_only=True,
        help_text="The levels (likelihood + consequence - 1) in each band.",
    )


class RiskSettingsInputSerializer(Serializer):
    matrix_size = fields.IntegerField(
        min_value=min(SIZES), max_value=max(SIZES), help_text="3, 4 or 5."
    )
    appetite = fields.IntegerField(
        min_value=1,
        max_value=2 * max(SIZES) - 1,
        help_text="A level of the matrix chosen: 1 to 2 * matrix_size - 1.",
    )
    rescale_risks = fields.BooleanField(
        required=False,
        default=False,
        help_text="Confirm that a change of matrix_size moves the likelihood and consequence of "
        "every existing risk to the same relative place on the new matrix (accepted risks stay "
        "accepted). While the organisation has risks, a new size without it is refused.",
    )


class RiskFilterSerializer(Serializer):
    band = serializers.ChoiceField(choices=Band.choices, required=False, help_text="Residual.")
    treatment = serializers.ChoiceField(
        choices=[*Treatment.choices, ("none", "Not decided")], required=False
    )
    status = serializers.ChoiceField(choices=RiskStatus.choices, required=False)
    owner = fields.EmailField(required=False)
    ordering = ordering_field(
        "residual_level", "inherent_level", "title", "due_on", "review_on", "created_at"
    )


def _risks(organisation: Organisation) -> QuerySet[Risk]:
    return selectors.risks_of(organisation).select_related("accepted_by")


def _references(organisation: Organisation, data: dict[str, Any]) -> dict[str, Any]:
    """The ids and e-mail address in the input as the organisation's objects and member."""
    choices = {
        "supplier": selectors.suppliers_for(organisation),
        "contract": selectors.contracts_for(organisation),
        "asset": selectors.assets_for(organisation),
        "finding": selectors.findings_for(organisation),
        "case": selectors.cases_for(organisation),
    }
    for name, queryset in choices.items():
        if data.get(name) is not None:
            data[name] = pick(queryset, data[name], name)
    if "owner" in data:
        data["owner"] = owner_of(organisation, data["owner"])
    return data


class RiskList(ApiView):
    @extend_schema(
        operation_id="risks_list",
        tags=TAGS,
        parameters=[RiskFilterSerializer],
        responses=RiskSerializer(many=True),
    )
    def get(self, request: Request, org: str) -> Response:
        access = api_access(request, org)
        settings = selectors.settings_of(access.organisation)
        filters = self.query(RiskFilterSerializer, request)
        found = _risks(access.organisation)
        if band := filters.get("band"):
            found = found.filter(In(selectors.RESIDUAL_LEVEL, settings.matrix.levels_in(band)))
        if treatment := filters.get("treatment"):
            found = found.filter(treatment="" if treatment == "none" else treatment)
        if status := filters.get("status"):
            found = found.filter(status=status)
        if owner := filters.get("owner"):
            found = found.filter(owner__email__iexact=owner)
        found = ordered(found, filters.get("ordering"), "-residual_level")
        return self.page(request, found, RiskSerializer, settings=settings)

    @extend_schema(
        operation_id="risks_create",
        tags=TAGS,
        request=RiskFieldsSerializer,
        responses={201: RiskSerializer},
        description="Register a risk. Without residual values, the residual risk is the "
        "inherent one (no measures yet).",
    )
    def post(self, request: Request, org: str) -> Response:
        access = api_access(request, org, Permission.EDIT)
        organisation = access.organisation
        data = _references(organisation, self.validated(RiskFieldsSerializer, request.data))
        risk = services.risk_create(acting_user=user_of(request), organisation=organisation, **data)
        location = reverse("api-risk-detail", args=[org, risk.pk])
        return self.one(
            request,
            _risks(organisation).get(pk=risk.pk),
            RiskSerializer,
            status=201,
            location=location,
            settings=selectors.settings_of(organisation),
        )


class RiskDetail(ApiView):
    @extend_schema(operation_id="risks_retrieve", tags=TAGS, responses=RiskSerializer)
    def get(self, request: Request, org: str, risk: UUID) -> Response:
        access = api_access(request, org)
        settings = selectors.settings_of(access.organisation)
        target = access.get(_risks(access.organisation), pk=risk)
        return self.one(request, target, RiskSerializer, settings=settings)

    @extend_schema(
        operation_id="risks_partial_update",
        tags=TAGS,
        parameters=[IF_MATCH],
        request=RiskPatchSerializer,
        responses=RiskSerializer,
        description="Change a risk. An accepted risk whose residual likelihood or consequence "
        "changes is no longer accepted.",
    )
    def patch(self, request: Request, org: str, risk: UUID) -> Response:
        access = api_access(request, org, Permission.EDIT)
        organisation = access.organisation
        risks = _risks(organisation)
        access.get(risks, pk=risk)  # another's is 404 before anything else
        data = self.validated(RiskPatchSerializer, request.data, partial=True)
        data = _references(organisation, data)
        settings = selectors.settings_of(organisation)
        with transaction.atomic():
            target = access.get(risks.select_for_update(of=("self",)), pk=risk)
            etag = self.current_etag(request, target, RiskSerializer, settings=settings)
            require_match(request, etag)
            services.risk_update(acting_user=user_of(request), risk=target, **data)
        return self.one(request, risks.get(pk=risk), RiskSerializer, settings=settings)


class RiskAcceptance(ApiView):
    @extend_schema(
        operation_id="risks_accept",
        tags=TAGS,
        request=AcceptanceSerializer,
        responses=RiskSerializer,
        description="Decide to live with the residual risk. At or below the risk appetite an "
        "editor may; above it only management or an administrator, with a reason (403 "
        "otherwise).",
    )
    def post(self, request: Request, org: str, risk: UUID) -> Response:
        access = api_access(request, org, write=True)
        risks = _risks(access.organisation)
        access.get(risks, pk=risk)  # another's is 404 before anything else
        data = self.validated(AcceptanceSerializer, request.data)
        with transaction.atomic():
            target = access.get(risks.select_for_update(of=("self",)), pk=risk)
            services.risk_accept(
                acting_user=user_of(request),
                permissions=access.permissions,
                risk=target,
                **data,
            )
        settings = selectors.settings_of(access.organisation)
        return self.one(request, risks.get(pk=risk), RiskSerializer, settings=settings)


class RiskSettingsDetail(ApiView):
    @extend_schema(
        operation_id="risks_settings_retrieve",
        tags=TAGS,
        responses=RiskSettingsSerializer,
        description="How the organisation measures risk: the matrix, the risk appetite and the "
        "levels of each band (the defaults until it chooses).",
    )
    def get(self, request: Request, org: str) -> Response:
        access = api_access(request, org)
        return self.one(request, selectors.settings_of(access.organisation), RiskSettingsSerializer)

    @extend_schema(
        operation_id="risks_settings_update",
        tags=TAGS,
        parameters=[IF_MATCH],
        request=RiskSettingsInputSerializer,
        responses=RiskSettingsSerializer,
        description="Set the matrix and the risk appetite (management's and administrators').",
    )
    def put(self, request: Request, org: str) -> Response:
        return self._set(request, org, partial=False)

    @extend_schema(
        operation_id="risks_settings_partial_update",
        tags=TAGS,
        parameters=[IF_MATCH],
        request=RiskSettingsInputSerializer,
        responses=RiskSettingsSerializer,
        description="Change the matrix or the risk appetite (management's and administrators').",
    )
    def patch(self, request: Request, org: str) -> Response:
        return self._set(request, org, partial=True)

    def _set(self, request: Request, org: str, *, partial: bool) -> Response:
        access = api_access(request, org, Permission.ACCEPT_RISK)
        organisation = access.organisation
        data = self.validated(RiskSettingsInputSerializer, request.data, partial=partial)
        with transaction.atomic():
            # Locked: the organisation stands for its settings, which may not be saved yet (two
            # writers with the same ETag then take turns, and the second gets 412).
            Organisation.objects.select_for_update().get(pk=organisation.pk)
            current = selectors.settings_of(organisation)
            require_match(request, self.current_etag(request, current, RiskSettingsSerializer))
            settings = services.risk_settings_set(
                acting_user=user_of(request),
                organisation=organisation,
                matrix_size=data.get("matrix_size", current.matrix_size),
                appetite=data.get("appetite", current.appetite),
                rescale_risks=data.get("rescale_risks", False),
            )
        return self.one(request, settings, RiskSettingsSerializer)
