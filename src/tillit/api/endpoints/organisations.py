"""Organisations: the ones the caller may see (a token sees only its own)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tillit.api.access import api_access, token_of, user_of, visible_organisations
from tillit.api.base import ApiView, Serializer
from tillit.organisations.access import permissions_in_each
from tillit.organisations.models import Nis2Category, OrganisationKind


class OrganisationSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    slug = serializers.SlugField(read_only=True, help_text="The organisation's part of each URL.")
    name = serializers.CharField(read_only=True)
    orgnr = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=OrganisationKind.choices, read_only=True)
    nis2 = serializers.ChoiceField(choices=Nis2Category.choices, read_only=True)
    security_email = serializers.EmailField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    permissions = serializers.SerializerMethodField(
        help_text="What you may do here, through this token or session."
    )

    def get_permissions(self, organisation: Any) -> list[str]:
        return sorted(self.context.get("permissions", {}).get(organisation.pk, []))


class OrganisationList(ApiView):
    @extend_schema(
        operation_id="organisations_list",
        tags=["organisations"],
        responses=OrganisationSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        organisations = visible_organisations(request)
        if token_of(request) is None:
            permissions = permissions_in_each(user_of(request))
        else:  # its own organisation only, narrowed by its scope
            permissions = {
                organisation.pk: api_access(request, organisation.slug).permissions
                for organisation in organisations
            }
        return self.page(request, organisations, OrganisationSerializer, permissions=permissions)


class OrganisationDetail(ApiView):
    @extend_schema(
        operation_id="organisations_retrieve",
        tags=["organisations"],
        responses=OrganisationSerializer,
    )
    def get(self, request: Request, org: str) -> Response:
        access = api_access(request, org)
        permissions = {access.organisation.pk: access.permissions}
        return self.one(
            request, access.organisation, OrganisationSerializer, permissions=permissions
        )
