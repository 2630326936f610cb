"""The follow-up plan: everything the organisation must look at again, soonest due first.

Items are worked out from the data (tillit.followup.plan) and kept in step with it
(tillit.followup.store): each is named by a key, "<kind>:<id of what it is about>", and changes
as that changes.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tillit.api import fields
from tillit.api.access import api_access, user_of
from tillit.api.base import ApiView, Serializer
from tillit.api.endpoints.common import PersonSerializer
from tillit.followup.models import Kind, PlanItem, Status, status_filter
from tillit.followup.plan import Responsibility
from tillit.followup.store import plan_items

TAGS = ["follow-up"]
STATUSES = [status.value for status in Status]
KINDS = Kind.values


class ItemSerializer(Serializer):
    key = serializers.CharField(
        read_only=True, help_text="<kind>:<id of what it is about>; stable while it is due."
    )
    kind = serializers.ChoiceField(choices=KINDS, read_only=True)
    kind_label = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    due = serializers.DateField(read_only=True)
    status = serializers.SerializerMethodField(help_text="Overdue, due within 30 days, or later.")
    url = serializers.SerializerMethodField(help_text="Its page in Tillit.")
    owner = PersonSerializer(read_only=True, allow_null=True)
    responsible = serializers.SerializerMethodField(
        help_text="Who is reminded: the owner while a member, else the security coordinators "
        "(or the administrators)."
    )

    @extend_schema_field(serializers.ChoiceField(choices=STATUSES))
    def get_status(self, item: PlanItem) -> str:
        return item.status(self.context["today"]).value

    def get_url(self, item: PlanItem) -> str:
        return str(self.context["request"].build_absolute_uri(item.url))

    @extend_schema_field(PersonSerializer(many=True))
    def get_responsible(self, item: PlanItem) -> list[dict[str, Any]]:
        people = self.context["responsibility"].people(item)
        return [dict(PersonSerializer(person).data) for person in people]


class PlanFilterSerializer(Serializer):
    kind = serializers.ChoiceField(choices=KINDS, required=False)
    status = serializers.ChoiceField(choices=STATUSES, required=False)
    mine = fields.QueryBooleanField(required=False, help_text="Only the items you answer for.")


class FollowUpPlan(ApiView):
    @extend_schema(
        operation_id="followup_list",
        tags=TAGS,
        parameters=[PlanFilterSerializer],
        responses=ItemSerializer(many=True),
        description="The organisation's follow-up plan (reassessments, certificates, "
        "penetration tests, findings, processor agreements, notice dates, contract ends, "
        "classification reviews, unanswered questionnaires, reassessments after incidents), "
        "soonest due first.",
    )
    def get(self, request: Request, org: str) -> Response:
        access = api_access(request, org)
        organisation = access.organisation
        filters = self.query(PlanFilterSerializer, request)
        today = timezone.localdate()
        responsibility = Responsibility.of(organisation)
        items = plan_items(organisation, today)
        if kind := filters.get("kind"):
            items = items.filter(kind=kind)
        if status := filters.get("status"):
            items = items.filter(status_filter(Status(status), today))
        if filters.get("mine"):
            items = items.filter(responsibility.answered_by(user_of(request)))
        return self.page(request, items, ItemSerializer, today=today, responsibility=responsibility)
