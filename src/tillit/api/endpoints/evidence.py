"""Certificates and penetration tests of suppliers, as the organisation holds them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tillit.api import fields
from tillit.api.access import api_access, user_of
from tillit.api.base import ApiView, Serializer, ordered, ordering_field, pick
from tillit.documents.models import Document
from tillit.organisations.models import Organisation
from tillit.organisations.roles import Permission
from tillit.suppliers import services
from tillit.suppliers.models import Certificate, CertificateType, PenTest
from tillit.suppliers.selectors import suppliers_of

TAGS = ["evidence"]


def _document(**kwargs: Any) -> serializers.UUIDField:
    return fields.UUIDField(
        required=False, allow_null=True, default=None, help_text="One of your documents.", **kwargs
    )


def _references(organisation: Organisation, data: dict[str, Any], document_field: str) -> None:
    """Replace the ids in the input by the organisation's supplier and document."""
    data["supplier"] = pick(suppliers_of(organisation), data["supplier"], "supplier")
    if data[document_field] is not None:
        documents = Document.objects.filter(organisation=organisation)
        data[document_field] = pick(documents, data[document_field], document_field)


class CertificateSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    supplier = serializers.UUIDField(source="supplier_id", read_only=True)
    kind = serializers.ChoiceField(choices=CertificateType.choices, read_only=True)
    issuer = serializers.CharField(read_only=True)
    scope = serializers.CharField(read_only=True)
    valid_from = serializers.DateField(read_only=True)
    valid_until = serializers.DateField(read_only=True)
    expired = serializers.SerializerMethodField()
    document = serializers.UUIDField(source="document_id", read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)

    def get_expired(self, certificate: Certificate) -> bool:
        return certificate.valid_until < timezone.localdate()


class CertificateInputSerializer(Serializer):
    supplier = fields.UUIDField(help_text="One of the organisation's suppliers.")
    kind = serializers.ChoiceField(choices=CertificateType.choices)
    issuer = fields.CharField(max_length=200, help_text="The certification body.")
    scope = fields.CharField()
    valid_from = fields.DateField()
    valid_until = fields.DateField()
    document = _document()


class CertificateFilterSerializer(Serializer):
    supplier = fields.QueryUUIDField(required=False)
    kind = serializers.ChoiceField(choices=CertificateType.choices, required=False)
    expired = fields.QueryBooleanField(required=False)
    valid_until_before = fields.QueryDateField(required=False)
    ordering = ordering_field("valid_until", "valid_from", "created_at")


def _certificates(organisation: Organisation) -> QuerySet[Certificate]:
    return Certificate.objects.filter(organisation=organisation)


class CertificateList(ApiView):
    @extend_schema(
        operation_id="certificates_list",
        tags=TAGS,
        parameters=[CertificateFilterSerializer],
        responses=CertificateSerializer(many=True),
    )
    def get(self, request: Request, org: str) -> Response:
        access = api_access(request, org)
        filters = self.query(CertificateFilterSerializer, request)
        found = _certificates(access.organisation)
        if supplier := filters.get("supplier"):
            found = found.filter(supplier=supplier)
        if kind := filters.get("kind"):
            found = found.filter(kind=kind)
        if (expired := filters.get("expired")) is not None:
            today = timezone.localdate()
            found = (
                found.filter(valid_until__lt=today)
                if expired
                else found.filter(valid_until__gte=today)
            )
        if before := filters.get("valid_until_before"):
            found = found.filter(valid_until__lt=before)
        found = ordered(found, filters.get("ordering"), "-valid_until")
        return self.page(request, found, CertificateSerializer)

    @extend_schema(
        operation_id="certificates_create",
        tags=TAGS,
        request=CertificateInputSerializer,
        responses={201: CertificateSerializer},
    )
    def post(self, request: Request, org: str) -> Response:
        access = api_access(request, org, Permission.EDIT)
        data = self.validated(CertificateInputSerializer, request.data)
        _references(access.organisation, data, "document")
        certificate = services.certificate_add(
            acting_user=user_of(request), organisation=access.organisation, **data
        )
        location = reverse("api-certificate-detail", args=[org, certificate.pk])
        return self.one(request, certificate, CertificateSerializer, status=201, location=location)


class CertificateDetail(ApiView):
    @extend_schema(operation_id="certificates_retrieve", tags=TAGS, responses=CertificateSerializer)
    def get(self, request: Request, org: str, certificate: UUID) -> Response:
        access = api_access(request, org)
        found = access.get(Certificate.objects.all(), pk=certificate)
        return self.one(request, found, CertificateSerializer)


class PenTestSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    supplier = serializers.UUIDField(source="supplier_id", read_only=True)
    performed_on = serializers.DateField(read_only=True)
    performed_by = serializers.CharField(read_only=True)
    scope = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    report = serializers.UUIDField(source="report_id", read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)


class PenTestInputSerializer(Serializer):
    supplier = fields.UUIDField(help_text="One of the organisation's suppliers.")
    performed_on = fields.DateField()
    performed_by = fields.CharField(max_length=200)
    scope = fields.CharField()
    summary = fields.CharField(required=False, default="", allow_blank=True)
    report = _document()


class PenTestFilterSerializer(Serializer):
    supplier = fields.QueryUUIDField(required=False)
    performed_after = fields.QueryDateField(required=False)
    performed_before = fields.QueryDateField(required=False)
    ordering = ordering_field("performed_on", "created_at")


class PenTestList(ApiView):
    @extend_schema(
        operation_id="pentests_list",
        tags=TAGS,
        parameters=[PenTestFilterSerializer],
        responses=PenTestSerializer(many=True),
    )
    def get(self, request: Request, org: str) -> Response:
        access = api_access(request, org)
        filters = self.query(PenTestFilterSerializer, request)
        found = PenTest.objects.filter(organisation=access.organisation)
        if supplier := filters.get("supplier"):
            found = found.filter(supplier=supplier)
        if after := filters.get("performed_after"):
            found = found.filter(performed_on__gt=after)
        if before := filters.get("performed_before"):
            found = found.filter(performed_on__lt=before)
        found = ordered(found, filters.get("ordering"), "-performed_on")
        return self.page(request, found, PenTestSerializer)

    @extend_schema(
        operation_id="pentests_create",
        tags=TAGS,
        request=PenTestInputSerializer,
        responses={201: PenTestSerializer},
    )
    def post(self, request: Request, org: str) -> Response:
        access = api_access(request, org, Permission.EDIT)
        data = self.validated(PenTestInputSerializer, request.data)
        _references(access.organisation, data, "report")
        pentest = services.pentest_add(
            acting_user=user_of(request), organisation=access.organisation, **data
        )
        location = reverse("api-pentest-detail", args=[org, pentest.pk])
        return self.one(request, pentest, PenTestSerializer, status=201, location=location)


class PenTestDetail(ApiView):
    @extend_schema(operation_id="pentests_retrieve", tags=TAGS, responses=PenTestSerializer)
    def get(self, request: Request, org: str, pentest: UUID) -> Response:
        access = api_access(request, org)
        return self.one(request, access.get(PenTest.objects.all(), pk=pentest), PenTestSerializer)
