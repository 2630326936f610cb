"""Requirement catalogues and their requirements: shared by the whole instance, read only."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from tillit.api.access import visible_organisations
from tillit.api.base import ApiView, Serializer
from tillit.api.endpoints.common import LocalisedTextField
from tillit.catalogue.models import Catalogue, CatalogueSource, Requirement
from tillit.catalogue.references import SCHEMES
from tillit.catalogue.selectors import catalogues, requirements_of, search_requirements

TAGS = ["catalogue"]


def _require_member(request: Request) -> None:
    """Catalogues are for members of an organisation (a token always is one)."""
    if not visible_organisations(request):
        raise NotFound


class CatalogueSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    key = serializers.CharField(read_only=True)
    version = serializers.CharField(read_only=True)
    title = LocalisedTextField()
    description = LocalisedTextField()
    imported_from = serializers.ChoiceField(
        source="source", choices=CatalogueSource.choices, read_only=True
    )
    imported_at = serializers.DateTimeField(read_only=True)
    requirement_count = serializers.IntegerField(read_only=True)


class AreaSerializer(Serializer):
    key = serializers.CharField(read_only=True)
    title = LocalisedTextField()


class ReferenceSerializer(Serializer):
    scheme = serializers.CharField(read_only=True)
    value = serializers.CharField(read_only=True)


class RequirementSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    catalogue = serializers.UUIDField(source="catalogue_id", read_only=True)
    key = serializers.CharField(read_only=True)
    area = AreaSerializer(read_only=True)
    title = LocalisedTextField()
    ska = LocalisedTextField(help_text="The requirement; {name} marks a parameter.")
    ar = LocalisedTextField(help_text="What it means in practice.")
    motive = LocalisedTextField()
    verification = LocalisedTextField()
    parameters = serializers.DictField(read_only=True)
    applies_when = serializers.JSONField(read_only=True, help_text="docs/catalogue-format.md")
    ska_when = serializers.JSONField(read_only=True)
    references = ReferenceSerializer(many=True, read_only=True)


class RequirementFilterSerializer(Serializer):
    q = serializers.CharField(required=False, help_text="Text in the key, title, text or motive.")
    scheme = serializers.ChoiceField(
        choices=sorted(SCHEMES), required=False, help_text="Requirements that cite this source."
    )
    reference = serializers.CharField(
        required=False, help_text="With scheme: this article, control or section."
    )


def _catalogues() -> QuerySet[Catalogue]:
    return catalogues().annotate(requirement_count=Count("requirements"))


class CatalogueList(ApiView):
    @extend_schema(
        operation_id="catalogues_list", tags=TAGS, responses=CatalogueSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        _require_member(request)
        return self.page(
            request, _catalogues().order_by("key", "-imported_at", "pk"), CatalogueSerializer
        )


class CatalogueDetail(ApiView):
    @extend_schema(operation_id="catalogues_retrieve", tags=TAGS, responses=CatalogueSerializer)
    def get(self, request: Request, catalogue: UUID) -> Response:
        _require_member(request)
        return self.one(
            request, get_object_or_404(_catalogues(), pk=catalogue), CatalogueSerializer
        )


class RequirementList(ApiView):
    @extend_schema(
        operation_id="requirements_list",
        tags=TAGS,
        parameters=[RequirementFilterSerializer],
        responses=RequirementSerializer(many=True),
    )
    def get(self, request: Request, catalogue: UUID) -> Response:
        _require_member(request)
        target = get_object_or_404(Catalogue, pk=catalogue)
        filters: dict[str, Any] = self.query(RequirementFilterSerializer, request)
        found = search_requirements(
            target,
            text=filters.get("q", ""),
            scheme=filters.get("scheme", ""),
            reference=filters.get("reference", ""),
        )
        return self.page(
            request, found.order_by("area__position", "position", "pk"), RequirementSerializer
        )


class RequirementDetail(ApiView):
    @extend_schema(operation_id="requirements_retrieve", tags=TAGS, responses=RequirementSerializer)
    def get(self, request: Request, catalogue: UUID, requirement: UUID) -> Response:
        _require_member(request)
        target = get_object_or_404(Catalogue, pk=catalogue)
        found: Requirement = get_object_or_404(requirements_of(target), pk=requirement)
        return self.one(request, found, RequirementSerializer)
