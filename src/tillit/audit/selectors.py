from __future__ import annotations

from django.db.models import QuerySet

from tillit.audit.models import AuditEvent
from tillit.organisations.models import Organisation


def events_for_organisation(organisation: Organisation) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(organisation_id=organisation.id).order_by("-id")
