"""Suppliers as the organisation sees them, and the sub-processors they use.

A supplier is one identity across the instance (organisationsnummer, or country and
registration number); registering one that Tillit already knows makes it one of yours. Its
sub-processors are facts about the supplier, shared by the instance: no link carries an id of
its own in the API, it is named by the sub-processor and the service.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tillit.api import fields
from tillit.api.access import api_access, user_of
from tillit.api.base import ApiView, Serializer, ordering_field, renamed
from tillit.api.pagination import Pagination
from tillit.lib.countries import is_eu_eea
from tillit.organisations.models import Organisation
from tillit.organisations.roles import Permission
from tillit.suppliers import services
from tillit.suppliers.models import SubProcessor, Supplier, SupplierRelation
from tillit.suppliers.selectors import supplier_filters, suppliers_of

TAGS = ["suppliers"]
IDENTITY_FIELDS = ("name", "country", "orgnr", "registration_number")


class SupplierRefSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    identifier = serializers.CharField(
        read_only=True, help_text="The organisationsnummer, or country and registration number."
    )

    # Lists serialise up to 500 at a time: written out rather than field by field, which costs
    # several times more (test_representations checks that the two agree).
    def to_representation(self, supplier: Supplier) -> dict[str, Any]:
        return supplier_ref(supplier)


def supplier_ref(supplier: Supplier) -> dict[str, Any]:
    return {"id": str(supplier.pk), "name": supplier.name, "identifier": supplier.identifier}


class SupplierSerializer(SupplierRefSerializer):
    country = serializers.CharField(read_only=True, help_text="ISO 3166-1 alpha-2.")
    orgnr = serializers.CharField(read_only=True, allow_null=True)
    registration_number = serializers.CharField(read_only=True, allow_null=True)
    criticality = serializers.SerializerMethodField(
        help_text="The highest classification level of the assets its contracts serve "
        "(null: none classified)."
    )
    personal_data = serializers.BooleanField(read_only=True)
    third_country = serializers.BooleanField(
        read_only=True, help_text="Data stored or processed outside the EU/EEA."
    )
    missing_dpa = serializers.BooleanField(
        read_only=True, help_text="A contract with personal data lacks a PUB-avtal."
    )
    expired_certificate = serializers.BooleanField(read_only=True)

    def get_criticality(self, supplier: Any) -> int | None:
        level = int(getattr(supplier, "criticality", -1))
        return None if level < 0 else level

    def to_representation(self, supplier: Any) -> dict[str, Any]:
        return {
            **super().to_representation(supplier),
            "country": supplier.country,
            "orgnr": supplier.orgnr,
            "registration_number": supplier.registration_number,
            "criticality": self.get_criticality(supplier),
            "personal_data": bool(supplier.personal_data),
            "third_country": bool(supplier.third_country),
            "missing_dpa": bool(supplier.missing_dpa),
            "expired_certificate": bool(supplier.expired_certificate),
        }


class SupplierInputSerializer(Serializer):
    name = fields.CharField(max_length=200)
    country = fields.CharField(
        max_length=2, required=False, default="SE", help_text="ISO 3166-1 alpha-2; SE by default."
    )
    orgnr = fields.CharField(
        max_length=13,
        required=False,
        default="",
        allow_blank=True,
        help_text="Swedish: NNNNNN-NNNN.",
    )
    registration_number = fields.CharField(
        max_length=50,
        required=False,
        default="",
        allow_blank=True,
        help_text="Foreign: the number in its country's company register.",
    )


class SupplierFilterSerializer(Serializer):
    q = serializers.CharField(required=False, help_text="Part of the name or orgnr.")
    min_criticality = fields.QueryIntegerField(min_value=0, max_value=4, required=False)
    personal_data = fields.QueryBooleanField(required=False)
    third_country = fields.QueryBooleanField(required=False)
    missing_dpa = fields.QueryBooleanField(required=False)
    expired_certificate = fields.QueryBooleanField(required=False)
    ordering = ordering_field("name", "criticality")


def supplier_of(organisation: Organisation, pk: UUID) -> Supplier:
    """One of the organisation's suppliers (with the list's annotations), or 404."""
    return get_object_or_404(suppliers_of(organisation), pk=pk)


class SupplierList(ApiView):
    @extend_schema(
        operation_id="suppliers_list",
        tags=TAGS,
        parameters=[SupplierFilterSerializer],
        responses=SupplierSerializer(many=True),
    )
    def get(self, request: Request, org: str) -> Response:
        access = api_access(request, org)
        filters = self.query(SupplierFilterSerializer, request)
        ordering = filters.pop("ordering", None) or "name"
        # The list's flags filter only when true, as in Tillit's pages; false asks for the rest.
        negated = [flag for flag, value in filters.items() if value is False]
        suppliers = suppliers_of(access.organisation)
        found = supplier_filters(suppliers, **filters)
        for flag in negated:
            found = found.filter(**{flag: False})
        # The flags cost a few subqueries a supplier: the page is chosen by its ids first (the
        # flags computed only where it filters or sorts on them), then only its rows get them.
        paginator = Pagination()
        ids = found.order_by(ordering, "pk").values_list("pk", flat=True)
        page = paginator.paginate_queryset(ids, request, view=self) or []
        rows = suppliers.in_bulk(page)
        data = SupplierSerializer([rows[pk] for pk in page], many=True).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="suppliers_create",
        tags=TAGS,
        request=SupplierInputSerializer,
        responses={
            201: SupplierSerializer,
            200: OpenApiResponse(SupplierSerializer, description="Already your supplier."),
        },
        description="Register a supplier as one of the organisation's. One known to Tillit by "
        "the same identity is reused (keeping the name it was first given).",
    )
    def post(self, request: Request, org: str) -> Response:
        access = api_access(request, org, Permission.EDIT)
        data = self.validated(SupplierInputSerializer, request.data)
        with transaction.atomic():
            supplier, _created = services.supplier_get_or_create(
                acting_user=user_of(request), **data
            )
            known = SupplierRelation.objects.filter(
                organisation=access.organisation, supplier=supplier
            ).exists()
            services.relation_ensure(
                acting_user=user_of(request), organisation=access.organisation, supplier=supplier
            )
        location = reverse("api-supplier-detail", args=[org, supplier.pk])
        return self.one(
            request,
            supplier_of(access.organisation, supplier.pk),
            SupplierSerializer,
            status=200 if known else 201,
            location=location,
        )


class SupplierDetail(ApiView):
    @extend_schema(operation_id="suppliers_retrieve", tags=TAGS, responses=SupplierSerializer)
    def get(self, request: Request, org: str, supplier: UUID) -> Response:
        access = api_access(request, org)
        return self.one(request, supplier_of(access.organisation, supplier), SupplierSerializer)


class SubProcessorSerializer(Serializer):
    subprocessor = SupplierRefSerializer(read_only=True)
    service = serializers.CharField(read_only=True)
    country = serializers.CharField(read_only=True, help_text="Where it processes the data.")
    eu_eea = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)

    def get_eu_eea(self, link: SubProcessor) -> bool:
        return is_eu_eea(link.country)


class SubProcessorInputSerializer(Serializer):
    subprocessor = SupplierInputSerializer(
        help_text="Who: found by its identity, or registered with Tillit if new."
    )
    service = fields.CharField(max_length=200, help_text="What it does for the supplier.")
    country = fields.CharField(max_length=2, help_text="Where it processes the data.")


class SubProcessorList(ApiView):
    @extend_schema(
        operation_id="subprocessors_list",
        tags=TAGS,
        responses=SubProcessorSerializer(many=True),
        description="The sub-processors the supplier uses directly (their own are found under "
        "them), as recorded by any organisation on the instance.",
    )
    def get(self, request: Request, org: str, supplier: UUID) -> Response:
        access = api_access(request, org)
        target = supplier_of(access.organisation, supplier)
        links = (
            SubProcessor.objects.filter(supplier=target)
            .select_related("subprocessor")
            .order_by("subprocessor__name", "service", "pk")
        )
        return self.page(request, links, SubProcessorSerializer)

    @extend_schema(
        operation_id="subprocessors_create",
        tags=TAGS,
        request=SubProcessorInputSerializer,
        responses={201: SubProcessorSerializer},
    )
    def post(self, request: Request, org: str, supplier: UUID) -> Response:
        access = api_access(request, org, Permission.EDIT)
        target = supplier_of(access.organisation, supplier)
        data = self.validated(SubProcessorInputSerializer, request.data)
        with transaction.atomic():
            try:
                chosen, _created = services.supplier_get_or_create(
                    acting_user=user_of(request), **data["subprocessor"]
                )
            except DjangoValidationError as exc:
                raise renamed(
                    exc,
                    {field: f"subprocessor.{field}" for field in IDENTITY_FIELDS},
                ) from None
            link = services.subprocessor_add(
                acting_user=user_of(request),
                organisation=access.organisation,
                supplier=target,
                subprocessor=chosen,
                service=data["service"],
                country=data["country"],
            )
        return self.one(request, link, SubProcessorSerializer, status=201)
