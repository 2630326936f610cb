"""The hash chain over AuditEvent rows: how a row's hash is computed and how the chain is checked.

hash = SHA-256 over the previous row's hash and a canonical JSON of the row's own fields, so a
changed field, a removed row or a reordered row all show as a broken link.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tillit.audit.models import AuditEvent

GENESIS = "0" * 64


def row_hash(
    *,
    prev_hash: str,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    organisation_id: Any,
    action: str,
    object_type: str,
    object_id: str,
    changes: dict[str, Any],
) -> str:
    payload = json.dumps(
        {
            "prev_hash": prev_hash,
            "created_at": created_at.isoformat(),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "organisation_id": str(organisation_id) if organisation_id else None,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "changes": changes,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def event_hash(event: AuditEvent) -> str:
    return row_hash(
        prev_hash=event.prev_hash,
        created_at=event.created_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        organisation_id=event.organisation_id,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        changes=event.changes,
    )


@dataclass(frozen=True)
class Verification:
    checked: int
    head: str = GENESIS
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain() -> Verification:
    expected_prev = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != expected_prev:
            return Verification(
                checked,
                expected_prev,
                event.id,
                "previous hash does not match: a row was removed or reordered",
            )
        if event_hash(event) != event.hash:
            return Verification(
                checked, expected_prev, event.id, "hash does not match: the row was changed"
            )
        expected_prev = event.hash
        checked += 1
    return Verification(checked, expected_prev)
