from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from django.db import connection, models, transaction
from django.utils import timezone

from tillit.accounts.models import User
from tillit.audit.chain import GENESIS, row_hash
from tillit.audit.models import AuditEvent

M = TypeVar("M", bound=models.Model)

# Any constant will do: every writer of the audit chain takes the same PostgreSQL advisory lock,
# so two processes never chain onto the same previous row.
_CHAIN_LOCK_ID = 7_311_071

# The channel a person acts through, when it is not Tillit's own pages: an API request made with
# a personal token names the token here, and every event recorded meanwhile names it too.
_channel: ContextVar[str] = ContextVar("audit_channel", default="")


@contextmanager
def audit_channel(label: str) -> Iterator[None]:
    """Name the channel (e.g. an API token) in the actor of every event recorded inside."""
    reset = _channel.set(label)
    try:
        yield
    finally:
        _channel.reset(reset)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return str(value)


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return {field: _jsonable(getattr(instance, field)) for field in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for each field whose value changed (None where absent)."""
    return {
        field: [before.get(field), after.get(field)]
        for field in sorted(before.keys() | after.keys())
        if before.get(field) != after.get(field)
    }


# The action prefix of an event that records a request, not a change (the supplier portal logs
# every request): what is worked out from the data need not be worked out again after one.
REQUEST = "request."


def audit_record(
    *,
    actor: User | None,
    organisation_id: UUID | None,
    action: str,
    obj: models.Model,
    changes: dict[str, list[Any]],
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the chain. Call it inside the write's own transaction.

    actor_label names who acted when it is not a signed-in user (a supplier through its portal
    link); by default it is the actor's e-mail, or "system".
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the write it records")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
    prev_hash = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    label = actor_label or (actor.email if actor else "system")
    if channel := _channel.get():
        label = f"{label} via {channel}"
    fields: dict[str, Any] = {
        "prev_hash": prev_hash or GENESIS,
        "created_at": timezone.now(),
        "actor_id": actor.pk if actor else None,
        "actor_label": label[:254],
        "organisation_id": organisation_id,
        "action": action,
        "object_type": obj._meta.label_lower,
        "object_id": str(obj.pk),
        "changes": changes,
    }
    event = AuditEvent.objects.create(hash=row_hash(**fields), **fields)
    if organisation_id is not None and not action.startswith(REQUEST):
        _refresh_plan_after_commit(organisation_id)
    return event


def _refresh_plan_after_commit(organisation_id: UUID) -> None:
    """The organisation's follow-up plan is worked out from its data and kept until its next
    change: the worker works it out again right after each change, so that the next reader
    (the dashboard at a large organisation) seldom has to. A reader who comes first works it
    out itself, as always; a failed enqueue only leaves the work to that reader."""
    from tillit.followup.tasks import refresh_plan  # followup reads the audit trail

    transaction.on_commit(lambda: refresh_plan.enqueue(str(organisation_id)), robust=True)


def audited_update(
    *,
    acting_user: User,
    instance: M,
    editable: list[str],
    values: dict[str, Any],
    validate: Callable[[M], None],
    action: str,
    organisation_id: UUID,
) -> M:
    """Set editable fields, validate, save only what changed and record it (nothing if nothing
    changed). Call inside the service's transaction."""
    unknown = values.keys() - set(editable)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    before = snapshot(instance, editable)
    for field, value in values.items():
        setattr(instance, field, value)
    validate(instance)
    changes = diff(before, snapshot(instance, editable))
    if changes:
        instance.save(update_fields=list(changes))
        audit_record(
            actor=acting_user,
            organisation_id=organisation_id,
            action=action,
            obj=instance,
            changes=changes,
        )
    return instance
