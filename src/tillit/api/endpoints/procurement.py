"""Procurements, their requirement profile after the officer's adjustments, and the security
annex as Word or PDF."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpResponse
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from tillit.accounts.models import User
from tillit.api import fields
from tillit.api.access import api_access, user_of
from tillit.api.base import ApiView, Serializer, ordered, ordering_field, pick, pick_many
from tillit.api.endpoints.common import PersonSerializer, email_field
from tillit.api.problems import CONTENT_TYPE as PROBLEM
from tillit.api.problems import Conflict
from tillit.catalogue.selectors import catalogues, default_catalogue
from tillit.classification.selectors import assets_of
from tillit.organisations.roles import Permission
from tillit.procurement import services
from tillit.procurement.models import AdjustmentAction, Procedure, Procurement
from tillit.procurement.selectors import AnnexNotReadyError, procurement_profile, procurements_of
from tillit.procurement.views import ANNEX_RENDERERS, CONTENT_TYPES

TAGS = ["procurement"]


class ProcurementSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    reference = serializers.CharField(read_only=True, help_text="Diarienummer.")
    procedure = serializers.ChoiceField(choices=Procedure.choices, read_only=True)
    officer = PersonSerializer(read_only=True, allow_null=True)
    catalogue = serializers.UUIDField(source="catalogue_id", read_only=True)
    assets = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)

    def get_assets(self, procurement: Procurement) -> list[UUID]:
        return sorted(asset.pk for asset in procurement.assets.all())


class AdjustmentSerializer(Serializer):
    action = serializers.ChoiceField(choices=AdjustmentAction.choices, read_only=True)
    justification = serializers.CharField(read_only=True)


class ProcurementRequirementSerializer(Serializer):
    requirement = serializers.UUIDField(source="entry.requirement.pk", read_only=True)
    key = serializers.CharField(read_only=True)
    mandatory = serializers.BooleanField(read_only=True, help_text="ska (true) or bör (false).")
    adjustment = AdjustmentSerializer(read_only=True, allow_null=True)


class ProfileSerializer(Serializer):
    ready = serializers.BooleanField(read_only=True, help_text="Whether the annex can be produced.")
    security_protection = serializers.BooleanField(read_only=True)
    unclassified_assets = serializers.SerializerMethodField()
    requirements = ProcurementRequirementSerializer(source="entries", many=True, read_only=True)
    dropped = ProcurementRequirementSerializer(many=True, read_only=True)

    def get_unclassified_assets(self, profile: Any) -> list[UUID]:
        return [asset.pk for asset in profile.unclassified]


class ProcurementDetailSerializer(ProcurementSerializer):
    profile = ProfileSerializer(
        read_only=True, help_text="The requirements the annex asks for, after adjustments."
    )
    annex = serializers.SerializerMethodField(help_text="Where the annex downloads.")

    def get_annex(self, procurement: Procurement) -> dict[str, str]:
        request = self.context["request"]
        return {
            fmt: request.build_absolute_uri(
                reverse("api-annex", args=[procurement.organisation.slug, procurement.pk, fmt])
            )
            for fmt in ANNEX_RENDERERS
        }


class ProcurementInputSerializer(Serializer):
    name = fields.CharField(max_length=200)
    reference = fields.CharField(max_length=100, help_text="Diarienummer.")
    procedure = serializers.ChoiceField(choices=Procedure.choices)
    officer = email_field(required=False, allow_null=True, default=None)
    catalogue = fields.UUIDField(
        required=False, help_text="A catalogue's id; Tillit's own catalogue by default."
    )
    assets = serializers.ListField(
        child=fields.UUIDField(),
        max_length=1000,
        help_text="The assets in scope: the requirements follow from their classification.",
    )


class ProcurementFilterSerializer(Serializer):
    q = serializers.CharField(required=False, help_text="Part of the name or reference.")
    procedure = serializers.ChoiceField(choices=Procedure.choices, required=False)
    asset = fields.QueryUUIDField(required=False, help_text="Procurements covering this asset.")
    ordering = ordering_field("name", "reference", "created_at")


def _procurements(organisation: Any) -> Any:
    return procurements_of(organisation).select_related("organisation").prefetch_related("assets")


class ProcurementList(ApiView):
    @extend_schema(
        operation_id="procurements_list",
        tags=TAGS,
        parameters=[ProcurementFilterSerializer],
        responses=ProcurementSerializer(many=True),
    )
    def get(self, request: Request, org: str) -> Response:
        access = api_access(request, org)
        filters = self.query(ProcurementFilterSerializer, request)
        found = _procurements(access.organisation)
        if q := filters.get("q"):
            found = found.filter(name__icontains=q) | found.filter(reference__icontains=q)
        if procedure := filters.get("procedure"):
            found = found.filter(procedure=procedure)
        if asset := filters.get("asset"):
            found = found.filter(assets=asset)
        found = ordered(found.distinct(), filters.get("ordering"), "-created_at")
        return self.page(request, found, ProcurementSerializer)

    @extend_schema(
        operation_id="procurements_create",
        tags=TAGS,
        request=ProcurementInputSerializer,
        responses={201: ProcurementDetailSerializer},
    )
    def post(self, request: Request, org: str) -> Response:
        access = api_access(request, org, Permission.EDIT)
        organisation = access.organisation
        data = self.validated(ProcurementInputSerializer, request.data)
        catalogue = (
            pick(catalogues(), data["catalogue"], "catalogue")
            if "catalogue" in data
            else default_catalogue()
        )
        if catalogue is None:
            raise serializers.ValidationError({"catalogue": [_("Import a catalogue first.")]})
        officer = None
        if data["officer"]:
            officer = User.objects.filter(
                email__iexact=data["officer"], memberships__organisation=organisation
            ).first()
            if officer is None:
                raise serializers.ValidationError(
                    {"officer": [_("No member of the organisation has this address.")]}
                )
        procurement = services.procurement_create(
            acting_user=user_of(request),
            organisation=organisation,
            name=data["name"],
            reference=data["reference"],
            procedure=data["procedure"],
            officer=officer,
            catalogue=catalogue,
            assets=pick_many(assets_of(organisation), data["assets"], "assets"),
        )
        return _detail(self, request, org, procurement.pk, status=201)


def _detail(view: ApiView, request: Request, org: str, pk: UUID, *, status: int = 200) -> Response:
    access = api_access(request, org)
    target = access.get(_procurements(access.organisation), pk=pk)
    target.profile = procurement_profile(target)
    location = reverse("api-procurement-detail", args=[org, pk]) if status == 201 else ""
    return view.one(request, target, ProcurementDetailSerializer, status=status, location=location)


class ProcurementDetail(ApiView):
    @extend_schema(
        operation_id="procurements_retrieve", tags=TAGS, responses=ProcurementDetailSerializer
    )
    def get(self, request: Request, org: str, procurement: UUID) -> Response:
        return _detail(self, request, org, procurement)


class AnnexQuerySerializer(Serializer):
    lang = serializers.ChoiceField(
        choices=[("sv", "Svenska"), ("en", "English")], required=False, default="sv"
    )


class AnnexDownload(ApiView):
    @extend_schema(
        operation_id="procurements_annex",
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "fmt", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(ANNEX_RENDERERS)
            ),
            AnnexQuerySerializer,
        ],
        responses={
            (200, CONTENT_TYPES["docx"]): OpenApiTypes.BINARY,
            (200, CONTENT_TYPES["pdf"]): OpenApiTypes.BINARY,
            (409, PROBLEM): OpenApiResponse(
                description="The assets are not all classified, or one is on the "
                "security-protection track."
            ),
        },
        description="The security annex, in Swedish (lang=sv) or English (lang=en).",
    )
    def get(self, request: Request, org: str, procurement: UUID, fmt: str) -> HttpResponse:
        access = api_access(request, org)
        target = access.get(_procurements(access.organisation), pk=procurement)
        if fmt not in ANNEX_RENDERERS:
            raise NotFound
        language = self.query(AnnexQuerySerializer, request)["lang"]
        try:
            data = ANNEX_RENDERERS[fmt](target, language)
        except AnnexNotReadyError:
            raise Conflict(
                _("The annex needs classified assets outside the security-protection track.")
            ) from None
        response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
        name = slugify(f"{_('security annex')} {target.reference}")
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response
