from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from tillit.audit.chain import GENESIS, verify_chain
from tillit.audit.models import AuditEvent
from tillit.audit.services import audit_record, diff
from tillit.testing import make_organisation, make_user

pytestmark = pytest.mark.django_db


def _record(n: int) -> list[AuditEvent]:
    actor = make_user()
    organisation = make_organisation()
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                audit_record(
                    actor=actor,
                    organisation_id=organisation.id,
                    action="test.write",
                    obj=organisation,
                    changes=diff({"name": f"before {i}"}, {"name": f"after {i}"}),
                )
            )
    return events


def _disable_append_only_triggers() -> None:
    """What an attacker with database access could do; the chain must still tell."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_auditevent_no_update")
            cursor.execute("DROP TRIGGER audit_auditevent_no_delete")


def test_events_form_a_chain_from_genesis() -> None:
    first, second, third = _record(3)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    result = verify_chain()
    assert result.ok
    assert result.checked == 3


def test_verify_command_reports_ok_and_the_head(capsys: pytest.CaptureFixture[str]) -> None:
    events = _record(2)
    call_command("audit", "verify")
    assert f"OK: 2 audit events, chain intact, head {events[1].hash}" in capsys.readouterr().out


def test_database_refuses_update_and_delete() -> None:
    (event,) = _record(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.write"


def test_an_edited_row_is_detected() -> None:
    events = _record(4)
    _disable_append_only_triggers()
    AuditEvent.objects.filter(pk=events[2].pk).update(
        changes={"name": ["before 2", "something else"]}
    )
    result = verify_chain()
    assert not result.ok
    assert result.broken_at == events[2].pk
    assert result.checked == 2
    with pytest.raises(CommandError, match=f"broken at event {events[2].pk}"):
        call_command("audit", "verify")


def test_a_deleted_row_is_detected() -> None:
    events = _record(4)
    _disable_append_only_triggers()
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    result = verify_chain()
    assert result.broken_at == events[2].pk
    assert "removed" in result.reason


def test_a_rehashed_row_still_breaks_the_next_link() -> None:
    """Recomputing a forged row's own hash does not help: the next row points at the old one."""
    from tillit.audit.chain import event_hash

    events = _record(3)
    _disable_append_only_triggers()
    forged = AuditEvent.objects.get(pk=events[0].pk)
    forged.actor_label = "someone-else@example.test"
    forged.hash = event_hash(forged)
    forged.save()
    assert verify_chain().broken_at == events[1].pk


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused() -> None:
    organisation = make_organisation()
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(actor=None, organisation_id=None, action="x", obj=organisation, changes={})


def test_diff_lists_only_changed_fields() -> None:
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}


def test_an_actor_without_an_account_is_named_by_its_label() -> None:
    organisation = make_organisation()
    with transaction.atomic():
        event = audit_record(
            actor=None,
            organisation_id=organisation.id,
            action="test.portal",
            obj=organisation,
            changes={},
            actor_label="portal: kontakt@leverantor.test",
        )
    assert (event.actor_id, event.actor_label) == (None, "portal: kontakt@leverantor.test")
    assert verify_chain().ok
