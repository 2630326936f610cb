"""Contracts with the assets they serve, where the data is, and the processor agreement
(PUB-avtal) with its checklist of GDPR Art. 28(3)(a)–(h)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from tillit.api import fields
from tillit.api.access import api_access, user_of
from tillit.api.base import ApiView, Serializer, ordered, ordering_field, pick, pick_many
from tillit.api.conditional import IF_MATCH, require_match
from tillit.api.endpoints.common import datetime_text
from tillit.api.endpoints.suppliers import SupplierRefSerializer, supplier_ref
from tillit.api.pagination import Pagination
from tillit.classification.selectors import assets_of
from tillit.documents.models import Document
from tillit.lib.countries import is_eu_eea
from tillit.organisations.models import Organisation
from tillit.organisations.roles import Permission
from tillit.suppliers import services
from tillit.suppliers.models import (
    ART_28_POINTS,
    Contract,
    DataLocation,
    ProcessorAgreement,
    TransferMechanism,
)
from tillit.suppliers.selectors import contracts_of, suppliers_of

TAGS = ["contracts"]
POINTS = [(point, f"Art. 28(3)({point})") for point in ART_28_POINTS]


class DataLocationSerializer(Serializer):
    country = serializers.CharField(read_only=True, help_text="ISO 3166-1 alpha-2.")
    eu_eea = serializers.SerializerMethodField()
    storage = serializers.BooleanField(read_only=True)
    processing = serializers.BooleanField(read_only=True)
    transfer_mechanism = serializers.ChoiceField(
        choices=TransferMechanism.choices, read_only=True, help_text="GDPR chapter V."
    )
    note = serializers.CharField(read_only=True)

    def get_eu_eea(self, location: DataLocation) -> bool:
        return is_eu_eea(location.country)

    # Written out for the list's 500 at a time, as SupplierRefSerializer's.
    def to_representation(self, location: DataLocation) -> dict[str, Any]:
        return location_data(location)


def location_data(location: DataLocation) -> dict[str, Any]:
    return {
        "country": location.country,
        "eu_eea": is_eu_eea(location.country),
        "storage": location.storage,
        "processing": location.processing,
        "transfer_mechanism": location.transfer_mechanism,
        "note": location.note,
    }


class ProcessorAgreementSerializer(Serializer):
    signed_on = serializers.DateField(read_only=True, allow_null=True)
    version = serializers.CharField(read_only=True)
    covers = serializers.SerializerMethodField(help_text="The Art. 28(3) points covered.")
    gaps = serializers.ListField(
        child=serializers.ChoiceField(choices=POINTS), read_only=True, help_text="Not covered."
    )
    document = serializers.UUIDField(source="document_id", read_only=True, allow_null=True)

    def get_covers(self, agreement: Any) -> list[str]:
        return list(agreement_data(agreement)["covers"])

    def to_representation(self, agreement: ProcessorAgreement) -> dict[str, Any]:
        return agreement_data(agreement)


def agreement_data(agreement: ProcessorAgreement) -> dict[str, Any]:
    return {
        "signed_on": _date(agreement.signed_on),
        "version": agreement.version,
        "covers": [point for point in ART_28_POINTS if getattr(agreement, f"covers_{point}")],
        "gaps": agreement.gaps,
        "document": _uuid(agreement.document_id),
    }


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _uuid(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def _decimal(max_digits: int, places: int, **kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=max_digits, decimal_places=places, **kwargs)


def _decimal_in(max_digits: int, places: int, **kwargs: Any) -> serializers.DecimalField:
    return fields.DecimalField(max_digits=max_digits, decimal_places=places, **kwargs)


@dataclass
class Related:
    """The contracts' assets and documents by id, and their locations, by contract."""

    assets: defaultdict[UUID, list[UUID]] = field(default_factory=lambda: defaultdict(list))
    documents: defaultdict[UUID, list[UUID]] = field(default_factory=lambda: defaultdict(list))
    locations: defaultdict[UUID, list[DataLocation]] = field(
        default_factory=lambda: defaultdict(list)
    )


def related_of(contracts: list[Contract]) -> Related:
    """Three queries however many contracts: prefetch_related() would cost a manager and a
    queryset for every contract and relation, most of a 500-contract page's time."""
    ids = [contract.pk for contract in contracts]
    related = Related()
    assets = Contract.assets.through.objects.filter(contract_id__in=ids)
    for contract_id, asset_id in assets.values_list("contract_id", "asset_id"):
        related.assets[contract_id].append(asset_id)
    documents = Contract.documents.through.objects.filter(contract_id__in=ids)
    for contract_id, document_id in documents.values_list("contract_id", "document_id"):
        related.documents[contract_id].append(document_id)
    for found in (related.assets, related.documents):
        for listed in found.values():
            listed.sort()
    for location in DataLocation.objects.filter(contract_id__in=ids):
        related.locations[location.contract_id].append(location)
    return related


class ContractSerializer(Serializer):
    id = serializers.UUIDField(read_only=True)
    supplier = SupplierRefSerializer(read_only=True)
    assets = serializers.SerializerMethodField()
    service = serializers.CharField(read_only=True)
    start = serializers.DateField(read_only=True, allow_null=True)
    end = serializers.DateField(read_only=True, allow_null=True)
    notice_period_days = serializers.IntegerField(read_only=True, allow_null=True)
    annual_value = _decimal(14, 2, read_only=True, allow_null=True, help_text="SEK a year.")
    customer_contact = serializers.CharField(read_only=True)
    supplier_contact = serializers.CharField(read_only=True)
    sla_availability = _decimal(6, 3, read_only=True, allow_null=True, help_text="Per cent.")
    incident_notice_hours = serializers.IntegerField(read_only=True, allow_null=True)
    support_response_hours = serializers.IntegerField(read_only=True, allow_null=True)
    liability = serializers.BooleanField(read_only=True)
    liability_text = serializers.CharField(read_only=True)
    right_to_audit = serializers.BooleanField(read_only=True)
    exit_clause = serializers.BooleanField(read_only=True)
    exit_text = serializers.CharField(read_only=True)
    locations = DataLocationSerializer(many=True, read_only=True)
    processor_agreement = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)

    def related(self, contract: Contract) -> Related:
        """What the list read for its page (in the context), or this contract's."""
        found: Related | None = self.context.get("related")
        return found if found is not None else related_of([contract])

    def get_assets(self, contract: Contract) -> list[UUID]:
        return self.related(contract).assets[contract.pk]

    def get_documents(self, contract: Contract) -> list[UUID]:
        return self.related(contract).documents[contract.pk]

    @extend_schema_field(ProcessorAgreementSerializer(allow_null=True))
    def get_processor_agreement(self, contract: Contract) -> dict[str, Any] | None:
        agreement = getattr(contract, "processor_agreement", None)
        return None if agreement is None else agreement_data(agreement)

    def to_representation(self, contract: Contract) -> dict[str, Any]:
        fields = self.fields
        related = self.related(contract)
        return {
            "id": str(contract.pk),
            "supplier": supplier_ref(contract.supplier),
            "assets": related.assets[contract.pk],
            "service": contract.service,
            "start": _date(contract.start),
            "end": _date(contract.end),
            "notice_period_days": contract.notice_period_days,
            "annual_value": _decimal_out(fields["annual_value"], contract.annual_value),
            "customer_contact": contract.customer_contact,
            "supplier_contact": contract.supplier_contact,
            "sla_availability": _decimal_out(fields["sla_availability"], contract.sla_availability),
            "incident_notice_hours": contract.incident_notice_hours,
            "support_response_hours": contract.support_response_hours,
            "liability": contract.liability,
            "liability_text": contract.liability_text,
            "right_to_audit": contract.right_to_audit,
            "exit_clause": contract.exit_clause,
            "exit_text": contract.exit_text,
            "locations": [location_data(place) for place in related.locations[contract.pk]],
            "processor_agreement": self.get_processor_agreement(contract),
            "documents": related.documents[contract.pk],
            "created_at": datetime_text(contract.created_at),
        }


def _decimal_out(field: serializers.Field[Any, Any, Any, Any], value: Decimal | None) -> Any:
    return None if value is None else field.to_representation(value)


class ContractFieldsSerializer(Serializer):
    """The contract's own terms, as the contract services take them."""

    service = fields.CharField(max_length=200)
    start = fields.DateField(required=False, allow_null=True)
    end = fields.DateField(required=False, allow_null=True)
    notice_period_days = fields.IntegerField(
        min_value=0, max_value=services.MAX_NOTICE_DAYS, required=False, allow_null=True
    )
    annual_value = _decimal_in(14, 2, min_value=0, required=False, allow_null=True)
    customer_contact = fields.CharField(max_length=200, required=False, allow_blank=True)
    supplier_contact = fields.CharField(max_length=200, required=False, allow_blank=True)
    sla_availability = _decimal_in(
        6, 3, min_value=0, max_value=100, required=False, allow_null=True
    )
    incident_notice_hours = fields.IntegerField(
        min_value=0, max_value=services.MAX_HOURS, required=False, allow_null=True
    )
    support_response_hours = fields.IntegerField(
        min_value=0, max_value=services.MAX_HOURS, required=False, allow_null=True
    )
    liability = fields.BooleanField(required=False)
    liability_text = fields.CharField(required=False, allow_blank=True)
    right_to_audit = fields.BooleanField(required=False)
    exit_clause = fields.BooleanField(required=False)
    exit_text = fields.CharField(required=False, allow_blank=True)
    assets = serializers.ListField(
        child=fields.UUIDField(), max_length=1000, required=False, help_text="Asset ids."
    )


class ContractInputSerializer(ContractFieldsSerializer):
    supplier = fields.UUIDField(help_text="One of the organisation's suppliers.")


class ContractPatchSerializer(ContractFieldsSerializer):
    service = fields.CharField(max_length=200, required=False)


class ContractFilterSerializer(Serializer):
    supplier = fields.QueryUUIDField(required=False)
    asset = fields.QueryUUIDField(required=False, help_text="Contracts serving this asset.")
    q = serializers.CharField(required=False, help_text="Part of the service or supplier name.")
    ends_before = fields.QueryDateField(required=False)
    ends_after = fields.QueryDateField(required=False)
    ordering = ordering_field("service", "start", "end", "created_at")


def _contracts(organisation: Organisation) -> Any:
    return contracts_of(organisation)


class ContractList(ApiView):
    @extend_schema(
        operation_id="contracts_list",
        tags=TAGS,
        parameters=[ContractFilterSerializer],
        responses=ContractSerializer(many=True),
    )
    def get(self, request: Request, org: str) -> Response:
        access = api_access(request, org)
        filters = self.query(ContractFilterSerializer, request)
        found = _contracts(access.organisation)
        if supplier := filters.get("supplier"):
            found = found.filter(supplier=supplier)
        if asset := filters.get("asset"):
            found = found.filter(assets=asset)
        if q := filters.get("q"):
            found = found.filter(Q(service__icontains=q) | Q(supplier__name__icontains=q))
        if before := filters.get("ends_before"):
            found = found.filter(end__lt=before)
        if after := filters.get("ends_after"):
            found = found.filter(end__gt=after)
        # No distinct(): one asset joins a contract at most once.
        found = ordered(found, filters.get("ordering"), "service")
        paginator = Pagination()
        page = paginator.paginate_queryset(found, request, view=self) or []
        context = {"request": request, "related": related_of(page)}
        data = ContractSerializer(page, many=True, context=context).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="contracts_create",
        tags=TAGS,
        request=ContractInputSerializer,
        responses={201: ContractSerializer},
    )
    def post(self, request: Request, org: str) -> Response:
        access = api_access(request, org, Permission.EDIT)
        organisation = access.organisation
        data = self.validated(ContractInputSerializer, request.data)
        supplier = pick(suppliers_of(organisation), data.pop("supplier"), "supplier")
        assets = pick_many(assets_of(organisation), data.pop("assets", []), "assets")
        contract = services.contract_create(
            acting_user=user_of(request),
            organisation=organisation,
            supplier=supplier,
            assets=assets,
            **data,
        )
        target = _contracts(organisation).get(pk=contract.pk)
        location = reverse("api-contract-detail", args=[org, contract.pk])
        return self.one(request, target, ContractSerializer, status=201, location=location)


class ContractDetail(ApiView):
    @extend_schema(operation_id="contracts_retrieve", tags=TAGS, responses=ContractSerializer)
    def get(self, request: Request, org: str, contract: UUID) -> Response:
        access = api_access(request, org)
        return self.one(
            request, access.get(_contracts(access.organisation), pk=contract), ContractSerializer
        )

    @extend_schema(
        operation_id="contracts_partial_update",
        tags=TAGS,
        parameters=[IF_MATCH],
        request=ContractPatchSerializer,
        responses=ContractSerializer,
    )
    def patch(self, request: Request, org: str, contract: UUID) -> Response:
        access = api_access(request, org, Permission.EDIT)
        organisation = access.organisation
        access.get(Contract.objects.all(), pk=contract)  # another's is 404 before anything else
        data = self.validated(ContractPatchSerializer, request.data, partial=True)
        assets = None
        if "assets" in data:
            assets = pick_many(assets_of(organisation), data.pop("assets"), "assets")
        with transaction.atomic():
            locked = Contract.objects.select_for_update().filter(pk=contract)
            access.get(locked, pk=contract)
            target = access.get(_contracts(organisation), pk=contract)
            require_match(request, self.current_etag(request, target, ContractSerializer))
            services.contract_update(
                acting_user=user_of(request), contract=target, assets=assets, **data
            )
        target = _contracts(organisation).get(pk=contract)
        return self.one(request, target, ContractSerializer)


class LocationInputSerializer(Serializer):
    country = fields.CharField(max_length=2, help_text="ISO 3166-1 alpha-2.")
    storage = fields.BooleanField(required=False, default=True)
    processing = fields.BooleanField(required=False, default=True)
    transfer_mechanism = serializers.ChoiceField(
        choices=TransferMechanism.choices,
        required=False,
        default="",
        allow_blank=True,
        help_text="Required when the country is outside the EU/EEA.",
    )
    note = fields.CharField(required=False, default="", allow_blank=True)


class LocationCreate(ApiView):
    @extend_schema(
        operation_id="contracts_locations_create",
        tags=TAGS,
        request=LocationInputSerializer,
        responses={201: DataLocationSerializer},
        description="Record a country where the contract's data is stored or processed.",
    )
    def post(self, request: Request, org: str, contract: UUID) -> Response:
        access = api_access(request, org, Permission.EDIT)
        target = access.get(Contract.objects.all(), pk=contract)
        data = self.validated(LocationInputSerializer, request.data)
        location = services.data_location_add(acting_user=user_of(request), contract=target, **data)
        return self.one(request, location, DataLocationSerializer, status=201)


class AgreementInputSerializer(Serializer):
    signed_on = fields.DateField(required=False, allow_null=True, default=None)
    version = fields.CharField(max_length=50, required=False, default="", allow_blank=True)
    covers = serializers.ListField(
        child=serializers.ChoiceField(choices=POINTS),
        max_length=len(ART_28_POINTS),
        help_text="The Art. 28(3) points the agreement covers; the rest are gaps.",
    )
    document = fields.UUIDField(
        required=False, allow_null=True, default=None, help_text="One of your documents."
    )


class AgreementDetail(ApiView):
    @extend_schema(
        operation_id="contracts_processor_agreement_retrieve",
        tags=TAGS,
        responses=ProcessorAgreementSerializer,
        description="404 while the contract has no processor agreement.",
    )
    def get(self, request: Request, org: str, contract: UUID) -> Response:
        access = api_access(request, org)
        target = access.get(_contracts(access.organisation), pk=contract)
        agreement = getattr(target, "processor_agreement", None)
        if agreement is None:
            raise NotFound
        return self.one(request, agreement, ProcessorAgreementSerializer)

    @extend_schema(
        operation_id="contracts_processor_agreement_update",
        tags=TAGS,
        request=AgreementInputSerializer,
        responses={
            200: ProcessorAgreementSerializer,
            201: OpenApiResponse(ProcessorAgreementSerializer, description="Recorded anew."),
        },
        description="Record the processor agreement (PUB-avtal). Replacing an existing one "
        "needs If-Match with its ETag.",
    )
    def put(self, request: Request, org: str, contract: UUID) -> Response:
        access = api_access(request, org, Permission.EDIT)
        access.get(Contract.objects.all(), pk=contract)  # another's is 404 before anything else
        data = self.validated(AgreementInputSerializer, request.data)
        documents = Document.objects.filter(organisation=access.organisation)
        document = pick(documents, data["document"], "document") if data["document"] else None
        with transaction.atomic():
            target = access.get(
                _contracts(access.organisation).select_for_update(of=("self",)), pk=contract
            )
            existing = getattr(target, "processor_agreement", None)
            if existing is not None:
                etag = self.current_etag(request, existing, ProcessorAgreementSerializer)
                require_match(request, etag)
            agreement = services.processor_agreement_set(
                acting_user=user_of(request),
                contract=target,
                signed_on=data["signed_on"],
                version=data["version"],
                covered=set(data["covers"]),
                document=document,
            )
        return self.one(
            request,
            agreement,
            ProcessorAgreementSerializer,
            status=201 if existing is None else 200,
        )
