from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tillit.audit.models import AuditEvent
from tillit.audit.services import REQUEST
from tillit.organisations.models import Organisation


def events_for_organisation(organisation: Organisation) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(organisation_id=organisation.id).order_by("-id")


def latest_event_id(organisation: Organisation) -> int:
    """The organisation's latest audit event that records a change (0 before its first).
    Every write of its data records one, so what is worked out from the data and kept stays
    current while this does not change (the follow-up plan, the management overview)."""
    return next(iter(latest_change(organisation.id)), 0)


def latest_change(organisation_id: Any) -> QuerySet[AuditEvent, int]:
    """latest_event_id() as a query of at most one id (none before the first), whose
    organisation may be an OuterRef: a subquery for each of many organisations."""
    changes = AuditEvent.objects.filter(organisation_id=organisation_id)
    return (
        changes.exclude(action__startswith=REQUEST).order_by("-id").values_list("id", flat=True)[:1]
    )
