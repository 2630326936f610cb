"""Reports for management: the key figures now, the monthly snapshots behind the trends, and
the management report as a PDF, which the worker makes on request."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tillit.api import fields
from tillit.api.access import api_access, user_of
from tillit.api.base import ApiView, Serializer
from tillit.api.endpoints.common import PersonSerializer
from tillit.api.problems import CONTENT_TYPE as PROBLEM
from tillit.api.problems import Conflict
from tillit.documents.services import document_content
from tillit.organisations.models import Organisation
from tillit.reports import services
from tillit.reports.figures import key_figures
from tillit.reports.models import ManagementReport, ReportStatus, Snapshot

TAGS = ["reports"]


class FiguresSerializer(Serializer):
    critical_assets = serializers.IntegerField(read_only=True, help_text="Highest level 3 or 4.")
    critical_not_assessed = serializers.IntegerField(read_only=True)
    critical_not_certified = serializers.IntegerField(read_only=True)
    critical_without_agreement = serializers.IntegerField(read_only=True)
    findings_open = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, help_text="Per severity."
    )
    overdue = serializers.IntegerField(read_only=True, help_text="Follow-up items overdue.")
    overdue_by_kind = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    incidents_12_months = serializers.IntegerField(read_only=True)
    open_cases = serializers.IntegerField(read_only=True)
    suppliers = serializers.IntegerField(read_only=True)


class CriticalAssetSerializer(Serializer):
    name = serializers.CharField(read_only=True)
    level = serializers.IntegerField(read_only=True)
    security_protection = serializers.BooleanField(read_only=True, help_text="Level 4.")
    suppliers = serializers.ListField(child=serializers.CharField(), read_only=True)
    assessed = serializers.BooleanField(
        read_only=True, help_text="No contract serving it is overdue for (re)assessment."
    )
    certified = serializers.BooleanField(
        read_only=True, help_text="Every supplier serving it has a valid certificate."
    )
    agreement = serializers.BooleanField(
        read_only=True, help_text="Every contract with personal data has a complete PUB-avtal."
    )


class KeyFiguresSerializer(Serializer):
    date = serializers.DateField(read_only=True)
    figures = FiguresSerializer(read_only=True)
    critical = CriticalAssetSerializer(many=True, read_only=True)


class SnapshotSerializer(Serializer):
    month = serializers.DateField(read_only=True, help_text="Its first day.")
    figures = FiguresSerializer(read_only=True)
    taken_at = serializers.DateTimeField(read_only=True)


class ReportSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    period_start = serializers.DateField(read_only=True)
    period_end = serializers.DateField(read_only=True)
    language = serializers.ChoiceField(choices=["sv", "en"], read_only=True)
    reference = serializers.CharField(read_only=True)
    secrecy_marking = serializers.CharField(read_only=True)
    decisions = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=ReportStatus.choices, read_only=True)
    requested_by = PersonSerializer(read_only=True, allow_null=True)
    requested_at = serializers.DateTimeField(read_only=True)
    finished_at = serializers.DateTimeField(read_only=True, allow_null=True)
    content = serializers.SerializerMethodField(help_text="Where the PDF downloads, once done.")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_content(self, report: ManagementReport) -> str | None:
        if report.status != ReportStatus.DONE or report.document_id is None:
            return None
        url = reverse("api-report-content", args=[report.organisation.slug, report.pk])
        return str(self.context["request"].build_absolute_uri(url))


class ReportInputSerializer(Serializer):
    period_start = fields.DateField()
    period_end = fields.DateField()
    language = serializers.ChoiceField(choices=["sv", "en"], required=False, default="sv")
    reference = fields.CharField(
        max_length=100, required=False, default="", allow_blank=True, help_text="Diarienummer."
    )
    secrecy_marking = fields.CharField(
        max_length=200,
        required=False,
        default="",
        allow_blank=True,
        help_text="Printed on every page, e.g. “Hemlig enligt OSL 18 kap. 8 §”.",
    )
    decisions = fields.CharField(
        required=False, default="", allow_blank=True, help_text="Decisions asked of management."
    )


def _reports(organisation: Organisation) -> Any:
    return ManagementReport.objects.filter(organisation=organisation).select_related(
        "organisation", "requested_by"
    )


class KeyFigures(ApiView):
    @extend_schema(
        operation_id="reports_key_figures",
        tags=TAGS,
        responses=KeyFiguresSerializer,
        description="The organisation's key figures today, with its critical systems and how "
        "their suppliers stand, as on the management overview.",
    )
    def get(self, request: Request, org: str) -> Response:
        access = api_access(request, org)
        today = timezone.localdate()
        figures, critical = key_figures(access.organisation, today)
        data = {"date": today, "figures": figures, "critical": critical}
        return self.one(request, data, KeyFiguresSerializer)


class SnapshotList(ApiView):
    @extend_schema(
        operation_id="reports_snapshots_list",
        tags=TAGS,
        responses=SnapshotSerializer(many=True),
        description="The key figures as they were each month (taken on the first daily pass of "
        "the month), the latest first.",
    )
    def get(self, request: Request, org: str) -> Response:
        access = api_access(request, org)
        found = Snapshot.objects.filter(organisation=access.organisation).order_by("-month")
        return self.page(request, found, SnapshotSerializer)


class ReportList(ApiView):
    @extend_schema(
        operation_id="reports_management_list",
        tags=TAGS,
        responses=ReportSerializer(many=True),
    )
    def get(self, request: Request, org: str) -> Response:
        access = api_access(request, org)
        found = _reports(access.organisation).order_by("-requested_at", "pk")
        return self.page(request, found, ReportSerializer)

    @extend_schema(
        operation_id="reports_management_create",
        tags=TAGS,
        request=ReportInputSerializer,
        responses={201: ReportSerializer},
        description="Ask for a management report for a period. The worker makes the PDF: poll "
        "the report until its status is done, then download its content.",
    )
    def post(self, request: Request, org: str) -> Response:
        access = api_access(request, org, write=True)
        data = self.validated(ReportInputSerializer, request.data)
        report = services.report_request(
            acting_user=user_of(request), organisation=access.organisation, **data
        )
        location = reverse("api-report-detail", args=[org, report.pk])
        target = _reports(access.organisation).get(pk=report.pk)
        return self.one(request, target, ReportSerializer, status=201, location=location)


class ReportDetail(ApiView):
    @extend_schema(
        operation_id="reports_management_retrieve", tags=TAGS, responses=ReportSerializer
    )
    def get(self, request: Request, org: str, report: UUID) -> Response:
        access = api_access(request, org)
        return self.one(
            request, access.get(_reports(access.organisation), pk=report), ReportSerializer
        )


class ReportContent(ApiView):
    @extend_schema(
        operation_id="reports_management_content",
        tags=TAGS,
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (409, PROBLEM): OpenApiResponse(description="Not made yet, or it failed."),
        },
        description="The management report as PDF.",
    )
    def get(self, request: Request, org: str, report: UUID) -> HttpResponse:
        access = api_access(request, org)
        target = access.get(_reports(access.organisation).select_related("document"), pk=report)
        if target.status != ReportStatus.DONE or target.document is None:
            raise Conflict(
                _("The report is not ready yet: %(status)s.")
                % {"status": target.get_status_display().lower()}
            )
        response = HttpResponse(document_content(target.document), content_type="application/pdf")
        disposition = content_disposition_header(True, target.document.name) or "attachment"
        response["Content-Disposition"] = disposition
        return response
