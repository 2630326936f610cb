"""Information assets, their classifications (each save a new version) and the requirement
profile a classification derives from a catalogue."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tillit.api import fields
from tillit.api.access import api_access, user_of
from tillit.api.base import ApiView, Serializer, ordered, ordering_field, pick, renamed
from tillit.api.conditional import IF_MATCH, require_match
from tillit.api.endpoints.common import (
    PersonSerializer,
    datetime_text,
    email_field,
    owner_of,
    person_data,
)
from tillit.catalogue.models import Catalogue
from tillit.catalogue.rules import ASPECTS
from tillit.catalogue.selectors import catalogues, default_catalogue, requirement_profile
from tillit.classification import services
from tillit.classification.models import Asset, Classification, ProtectedIdentities
from tillit.classification.selectors import assets_of, history_of
from tillit.organisations.models import Organisation
from tillit.organisations.roles import Permission

TAGS = ["classification"]


def _level(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=4, **kwargs)


def _level_in(**kwargs: Any) -> serializers.IntegerField:
    return fields.IntegerField(min_value=0, max_value=4, **kwargs)


class ClassificationSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    confidentiality = _level(read_only=True)
    integrity = _level(read_only=True)
    availability = _level(read_only=True)
    traceability = _level(read_only=True)
    max_level = _level(read_only=True)
    security_protection = serializers.BooleanField(
        read_only=True, help_text="Level 4 somewhere: the security-protection track."
    )
    answers = serializers.DictField(child=_level(), read_only=True)
    overrides = serializers.DictField(
        child=serializers.DictField(), read_only=True, help_text="{aspect: {suggested, reason}}"
    )
    personal_data = serializers.BooleanField(read_only=True)
    sensitive_data = serializers.BooleanField(read_only=True)
    criminal_data = serializers.BooleanField(read_only=True)
    personnummer = serializers.BooleanField(read_only=True)
    children = serializers.BooleanField(read_only=True)
    protected_identities = serializers.ChoiceField(
        choices=ProtectedIdentities.choices, read_only=True
    )
    data_subjects = serializers.IntegerField(read_only=True)
    osl_secrecy = serializers.BooleanField(read_only=True)
    osl_reference = serializers.CharField(read_only=True)
    classified_by = PersonSerializer(read_only=True, allow_null=True)
    classified_at = serializers.DateTimeField(read_only=True)
    review_due = serializers.DateField(read_only=True)

    # Written out for the lists' 500 at a time (test_representations checks it against DRF's).
    def to_representation(self, classification: Classification) -> dict[str, Any]:
        return classification_data(classification)


def _levels(answers: dict[str, Any]) -> dict[str, int | None]:
    return {str(aspect): None if level is None else int(level) for aspect, level in answers.items()}


def classification_data(c: Classification) -> dict[str, Any]:
    return {
        "id": str(c.pk),
        "version": c.version,
        "confidentiality": c.confidentiality,
        "integrity": c.integrity,
        "availability": c.availability,
        "traceability": c.traceability,
        "max_level": c.max_level,
        "security_protection": c.security_protection,
        "answers": _levels(c.answers),
        "overrides": {str(aspect): dict(change) for aspect, change in c.overrides.items()},
        "personal_data": c.personal_data,
        "sensitive_data": c.sensitive_data,
        "criminal_data": c.criminal_data,
        "personnummer": c.personnummer,
        "children": c.children,
        "protected_identities": c.protected_identities,
        "data_subjects": c.data_subjects,
        "osl_secrecy": c.osl_secrecy,
        "osl_reference": c.osl_reference,
        "classified_by": None if c.classified_by is None else person_data(c.classified_by),
        "classified_at": datetime_text(c.classified_at),
        "review_due": c.review_due.isoformat(),
    }


class AssetSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    owner = PersonSerializer(read_only=True, allow_null=True)
    classification = ClassificationSerializer(
        source="current", read_only=True, allow_null=True, help_text="The current version."
    )
    created_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, asset: Asset) -> dict[str, Any]:
        current = asset.current
        return {
            "id": str(asset.pk),
            "name": asset.name,
            "description": asset.description,
            "owner": None if asset.owner is None else person_data(asset.owner),
            "classification": None if current is None else classification_data(current),
            "created_at": datetime_text(asset.created_at),
        }


class AssetInputSerializer(Serializer):
    name = fields.CharField(max_length=200)
    description = fields.CharField(allow_blank=True, required=False, default="")
    owner = email_field(allow_null=True, required=False, default=None)


class AssetPatchSerializer(Serializer):
    name = fields.CharField(max_length=200, required=False)
    description = fields.CharField(allow_blank=True, required=False)
    owner = email_field(allow_null=True, required=False)


class AssetFilterSerializer(Serializer):
    q = serializers.CharField(required=False, help_text="Part of the name.")
    classified = fields.QueryBooleanField(required=False)
    min_level = fields.QueryIntegerField(
        min_value=0, max_value=4, required=False, help_text="Highest aspect level at least this."
    )
    personal_data = fields.QueryBooleanField(required=False)
    ordering = ordering_field("name", "created_at")


def _filtered_assets(organisation: Organisation, filters: dict[str, Any]) -> Any:
    found = assets_of(organisation).select_related("current__classified_by")
    if q := filters.get("q"):
        found = found.filter(name__icontains=q)
    if (classified := filters.get("classified")) is not None:
        found = found.filter(current__isnull=not classified)
    if (minimum := filters.get("min_level")) is not None:
        found = found.filter(
            Q(current__confidentiality__gte=minimum)
            | Q(current__integrity__gte=minimum)
            | Q(current__availability__gte=minimum)
            | Q(current__traceability__gte=minimum)
        )
    if (personal := filters.get("personal_data")) is not None:
        found = found.filter(current__personal_data=personal)
    return ordered(found, filters.get("ordering"), "name")


class AssetList(ApiView):
    @extend_schema(
        operation_id="assets_list",
        tags=TAGS,
        parameters=[AssetFilterSerializer],
        responses=AssetSerializer(many=True),
    )
    def get(self, request: Request, org: str) -> Response:
        access = api_access(request, org)
        filters = self.query(AssetFilterSerializer, request)
        return self.page(request, _filtered_assets(access.organisation, filters), AssetSerializer)

    @extend_schema(
        operation_id="assets_create",
        tags=TAGS,
        request=AssetInputSerializer,
        responses={201: AssetSerializer},
    )
    def post(self, request: Request, org: str) -> Response:
        access = api_access(request, org, Permission.EDIT)
        data = self.validated(AssetInputSerializer, request.data)
        asset = services.asset_create(
            acting_user=user_of(request),
            organisation=access.organisation,
            name=data["name"],
            description=data["description"],
            owner=owner_of(access.organisation, data["owner"]),
        )
        asset = assets_of(access.organisation).get(pk=asset.pk)
        location = reverse("api-asset-detail", args=[org, asset.pk])
        return self.one(request, asset, AssetSerializer, status=201, location=location)


class AssetDetail(ApiView):
    @extend_schema(operation_id="assets_retrieve", tags=TAGS, responses=AssetSerializer)
    def get(self, request: Request, org: str, asset: UUID) -> Response:
        access = api_access(request, org)
        return self.one(
            request, access.get(assets_of(access.organisation), pk=asset), AssetSerializer
        )

    @extend_schema(
        operation_id="assets_partial_update",
        tags=TAGS,
        parameters=[IF_MATCH],
        request=AssetPatchSerializer,
        responses=AssetSerializer,
    )
    def patch(self, request: Request, org: str, asset: UUID) -> Response:
        access = api_access(request, org, Permission.EDIT)
        access.get(assets_of(access.organisation), pk=asset)  # another's is 404 first
        data = self.validated(AssetPatchSerializer, request.data, partial=True)
        with transaction.atomic():
            target = access.get(
                assets_of(access.organisation).select_for_update(of=("self",)), pk=asset
            )
            require_match(request, self.current_etag(request, target, AssetSerializer))
            if "owner" in data:
                data["owner"] = owner_of(access.organisation, data["owner"])
            services.asset_update(acting_user=user_of(request), asset=target, **data)
        target = assets_of(access.organisation).get(pk=target.pk)
        return self.one(request, target, AssetSerializer)


_CLASSIFICATION_FIELDS = {
    **{f"{aspect}_answer": f"answers.{aspect}" for aspect in ASPECTS},
    **{f"{aspect}_level": f"levels.{aspect}" for aspect in ASPECTS},
    **{f"{aspect}_reason": f"reasons.{aspect}" for aspect in ASPECTS},
}


class AnswersSerializer(Serializer):
    confidentiality = _level_in()
    integrity = _level_in()
    availability = _level_in()
    traceability = _level_in()


class LevelsSerializer(Serializer):
    confidentiality = _level_in(required=False, allow_null=True)
    integrity = _level_in(required=False, allow_null=True)
    availability = _level_in(required=False, allow_null=True)
    traceability = _level_in(required=False, allow_null=True)


class ReasonsSerializer(Serializer):
    confidentiality = fields.CharField(required=False, allow_blank=True)
    integrity = fields.CharField(required=False, allow_blank=True)
    availability = fields.CharField(required=False, allow_blank=True)
    traceability = fields.CharField(required=False, allow_blank=True)


class ClassificationInputSerializer(Serializer):
    answers = AnswersSerializer(help_text="The answer to each guided question, 0–4.")
    levels = LevelsSerializer(
        required=False,
        help_text="A level chosen against the suggestion, per aspect (null or absent: the "
        "suggestion). A level that differs from the suggestion needs a reason.",
    )
    reasons = ReasonsSerializer(required=False)
    personal_data = fields.BooleanField(required=False, default=False)
    sensitive_data = fields.BooleanField(required=False, default=False)
    criminal_data = fields.BooleanField(required=False, default=False)
    personnummer = fields.BooleanField(required=False, default=False)
    children = fields.BooleanField(required=False, default=False)
    protected_identities = serializers.ChoiceField(
        choices=ProtectedIdentities.choices, required=False, default=ProtectedIdentities.NONE
    )
    data_subjects = fields.IntegerField(
        min_value=0, max_value=services.MAX_DATA_SUBJECTS, required=False, default=0
    )
    osl_secrecy = fields.BooleanField(required=False, default=False)
    osl_reference = fields.CharField(max_length=100, required=False, allow_blank=True, default="")
    review_due = fields.DateField(required=False, allow_null=True, default=None)


class ClassificationList(ApiView):
    @extend_schema(
        operation_id="classifications_list",
        tags=TAGS,
        responses=ClassificationSerializer(many=True),
        description="Every version of the asset's classification, newest first.",
    )
    def get(self, request: Request, org: str, asset: UUID) -> Response:
        access = api_access(request, org)
        target = access.get(assets_of(access.organisation), pk=asset)
        return self.page(request, history_of(target), ClassificationSerializer)

    @extend_schema(
        operation_id="classifications_create",
        tags=TAGS,
        request=ClassificationInputSerializer,
        responses={201: ClassificationSerializer},
        description="Classify the asset anew: a new version, which becomes the current one.",
    )
    def post(self, request: Request, org: str, asset: UUID) -> Response:
        access = api_access(request, org, Permission.EDIT)
        target = access.get(assets_of(access.organisation), pk=asset)
        data = self.validated(ClassificationInputSerializer, request.data)
        levels = data.pop("levels", {})
        try:
            classification = services.classification_create(
                acting_user=user_of(request),
                asset=target,
                answers=dict(data.pop("answers")),
                levels={aspect: levels.get(aspect) for aspect in ASPECTS},
                reasons=dict(data.pop("reasons", {})),
                **data,
            )
        except DjangoValidationError as exc:
            raise renamed(exc, _CLASSIFICATION_FIELDS) from None
        found = history_of(target).get(pk=classification.pk)
        return self.one(request, found, ClassificationSerializer, status=201)


class ReasonSerializer(Serializer):
    fact = serializers.CharField(read_only=True)
    value = serializers.JSONField(read_only=True)


class ProfileRequirementSerializer(Serializer):
    requirement = serializers.UUIDField(source="requirement.pk", read_only=True)
    key = serializers.CharField(source="requirement.key", read_only=True)
    obligation = serializers.ChoiceField(
        choices=[("ska", "ska"), ("bor", "bör")],
        source="item.obligation",
        read_only=True,
        help_text="ska: mandatory; bor: desirable.",
    )
    reasons = ReasonSerializer(
        source="item.reasons", many=True, read_only=True, help_text="Why it applies."
    )
    mandatory_reasons = ReasonSerializer(source="item.ska_reasons", many=True, read_only=True)
    parameters = serializers.DictField(source="item.parameters", read_only=True)


class RequirementProfileSerializer(Serializer):
    asset = serializers.UUIDField(read_only=True)
    classification_version = serializers.IntegerField(read_only=True, allow_null=True)
    catalogue = serializers.UUIDField(read_only=True, allow_null=True)
    security_protection = serializers.BooleanField(
        read_only=True,
        help_text="Level 4: no ordinary requirements; a säkerhetsskyddsanalys is needed.",
    )
    requirements = ProfileRequirementSerializer(many=True, read_only=True)


class ProfileQuerySerializer(Serializer):
    catalogue = fields.QueryUUIDField(
        required=False, help_text="A catalogue's id; Tillit's own catalogue by default."
    )


class RequirementProfile(ApiView):
    @extend_schema(
        operation_id="assets_requirement_profile",
        tags=TAGS,
        parameters=[ProfileQuerySerializer],
        responses=RequirementProfileSerializer,
        description="The requirements that the asset's current classification derives from a "
        "catalogue, each as ska or bör with the reasons it applies (empty while unclassified).",
    )
    def get(self, request: Request, org: str, asset: UUID) -> Response:
        access = api_access(request, org)
        target = access.get(assets_of(access.organisation), pk=asset)
        query = self.query(ProfileQuerySerializer, request)
        catalogue: Catalogue | None = (
            pick(catalogues(), query["catalogue"], "catalogue")
            if "catalogue" in query
            else default_catalogue()
        )
        current: Classification | None = target.current
        profile = (
            requirement_profile(current.facts(), catalogue)
            if current is not None and catalogue is not None
            else None
        )
        data = {
            "asset": target.pk,
            "classification_version": current.version if current else None,
            "catalogue": catalogue.pk if catalogue else None,
            "security_protection": bool(current and current.security_protection),
            "requirements": profile.entries if profile else [],
        }
        return self.one(request, data, RequirementProfileSerializer)


ASSET_PARAMETER = OpenApiParameter("asset", OpenApiTypes.UUID, OpenApiParameter.PATH)
