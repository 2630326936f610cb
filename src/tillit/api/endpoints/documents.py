"""Documents (agreements, certificates, reports): metadata, download and upload. The content is
checked on upload and stored encrypted, as through Tillit's pages."""

from __future__ import annotations

import logging
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from tillit.api.access import api_access, user_of
from tillit.api.base import ApiView, Serializer, ordered, ordering_field, renamed
from tillit.api.endpoints.common import PersonSerializer
from tillit.api.problems import NON_FIELD
from tillit.documents.models import Document
from tillit.documents.services import document_content, document_store
from tillit.documents.storage import DocumentIntegrityError
from tillit.documents.validation import OFFICE, SIGNATURES, TEXT
from tillit.organisations.roles import Permission

TAGS = ["documents"]
CONTENT_TYPES = sorted(
    {*OFFICE.values(), *(kind for _sig, kind in SIGNATURES.values()), *TEXT.values()}
)
logger = logging.getLogger(__name__)


class DocumentSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    content_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True, help_text="Bytes.")
    sha256 = serializers.CharField(read_only=True, help_text="Of the content as uploaded.")
    uploaded_by = PersonSerializer(read_only=True, allow_null=True)
    uploaded_at = serializers.DateTimeField(read_only=True)
    content = serializers.SerializerMethodField(help_text="Where the content downloads.")

    def get_content(self, document: Document) -> str:
        url = reverse("api-document-content", args=[document.organisation.slug, document.pk])
        return str(self.context["request"].build_absolute_uri(url))


class DocumentUploadSerializer(Serializer):
    file = serializers.FileField(
        help_text="PDF, Word, Excel, PowerPoint, image or text; at most 25 MB."
    )


class DocumentFilterSerializer(Serializer):
    q = serializers.CharField(required=False, help_text="Part of the file name.")
    content_type = serializers.CharField(required=False)
    ordering = ordering_field("uploaded_at", "name", "size")


class DocumentList(ApiView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="documents_list",
        tags=TAGS,
        parameters=[DocumentFilterSerializer],
        responses=DocumentSerializer(many=True),
    )
    def get(self, request: Request, org: str) -> Response:
        access = api_access(request, org)
        filters = self.query(DocumentFilterSerializer, request)
        found = Document.objects.filter(organisation=access.organisation).select_related(
            "organisation", "uploaded_by"
        )
        if q := filters.get("q"):
            found = found.filter(name__icontains=q)
        if content_type := filters.get("content_type"):
            found = found.filter(content_type=content_type)
        found = ordered(found, filters.get("ordering"), "-uploaded_at")
        return self.page(request, found, DocumentSerializer)

    @extend_schema(
        operation_id="documents_create",
        tags=TAGS,
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer},
        description="Upload a file (multipart/form-data, field `file`). Its type is checked "
        "by its content; it is stored encrypted.",
    )
    def post(self, request: Request, org: str) -> Response:
        access = api_access(request, org, Permission.EDIT)
        data = self.validated(DocumentUploadSerializer, request.data)
        try:
            document = document_store(
                acting_user=user_of(request), organisation=access.organisation, upload=data["file"]
            )
        except DjangoValidationError as exc:  # what is wrong is the file: say so
            raise renamed(exc, {NON_FIELD: "file"}) from None
        location = reverse("api-document-detail", args=[org, document.pk])
        return self.one(request, document, DocumentSerializer, status=201, location=location)


class DocumentDetail(ApiView):
    @extend_schema(operation_id="documents_retrieve", tags=TAGS, responses=DocumentSerializer)
    def get(self, request: Request, org: str, document: UUID) -> Response:
        access = api_access(request, org)
        found = access.get(
            Document.objects.select_related("organisation", "uploaded_by"), pk=document
        )
        return self.one(request, found, DocumentSerializer)


class DocumentContent(ApiView):
    @extend_schema(
        operation_id="documents_content",
        tags=TAGS,
        responses={(200, content_type): OpenApiTypes.BINARY for content_type in CONTENT_TYPES},
        description="The file as uploaded, with its own content type.",
    )
    def get(self, request: Request, org: str, document: UUID) -> HttpResponse:
        access = api_access(request, org)
        target = access.get(Document.objects.all(), pk=document)
        try:
            content = document_content(target)
        except DocumentIntegrityError:
            logger.error("Document %s failed its integrity check", target.pk)
            raise
        response = HttpResponse(content, content_type=target.content_type)
        disposition = content_disposition_header(True, target.name) or "attachment"
        response["Content-Disposition"] = disposition
        return response
