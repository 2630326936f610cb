from __future__ import annotations

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
    changes = events_for_organisation(organisation).exclude(action__startswith=REQUEST)
    return changes.values_list("id", flat=True).first() or 0
