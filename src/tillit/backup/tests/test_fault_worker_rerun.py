"""Issue 12: a worker killed mid-task has the task run again without duplicates. The worker runs
the follow-up tick (reminders, and incident mail that could not go) and tells organisations of
an incident (notify_case); each is run again here after a kill, or simply twice, as a restarted
worker or a second scheduler would."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from tillit.backup.tests.faults import Killed
from tillit.followup.models import Digest, DigestStatus, Reminder
from tillit.followup.reminders import send_digest
from tillit.followup.tasks import tick
from tillit.incidents import services as incidents
from tillit.incidents.models import Case, Incident, ReportedVia
from tillit.incidents.tasks import notify_case
from tillit.organisations.models import Organisation
from tillit.organisations.roles import Role
from tillit.reports.figures import snapshot_take
from tillit.suppliers.models import Supplier
from tillit.suppliers.services import certificate_add
from tillit.testing import make_asset, make_contract, make_member, make_organisation, make_supplier

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def _sent(about: str = "") -> Counter[tuple[str, str]]:
    """Mails sent so far (whose subject mentions about), by recipient and subject."""
    return Counter(
        (message.to[0], str(message.subject))
        for message in mail.outbox
        if about in str(message.subject)
    )


# -- The follow-up tick -----------------------------------------------------------------------


@pytest.fixture
def due(settings: Any) -> list[Organisation]:
    """Two organisations, each with a certificate running out in a week: today's pass (due from
    midnight) sends each coordinator a digest."""
    settings.FOLLOWUP_SEND_HOUR = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    organisations = []
    for number in range(2):
        organisation = make_organisation(f"Kommun {number}")
        coordinator = make_member(
            organisation, Role.SECURITY_COORDINATOR, f"samordnare@{number}.test"
        )
        contract = make_contract(organisation, assets=[make_asset(organisation, integrity=2)])
        certificate_add(
            acting_user=coordinator,
            organisation=organisation,
            supplier=contract.supplier,
            kind="iso27001",
            issuer="Cert AB",
            scope="Allt",
            valid_from=dt.date(2024, 1, 1),
            valid_until=timezone.localdate() + dt.timedelta(days=7),
        )
        organisations.append(organisation)
    mail.outbox.clear()
    return organisations


def test_the_tick_run_twice_sends_each_digest_once(due: list[Organisation]) -> None:
    tick.call()
    first = _sent()
    assert {to for to, _subject in first} == {"samordnare@0.test", "samordnare@1.test"}
    tick.call()
    assert _sent() == first
    assert all(n == 1 for n in first.values())


@pytest.mark.parametrize("killed_in", ["scheduling", "sending"])
def test_a_tick_killed_mid_pass_is_finished_by_the_next_without_duplicates(
    due: list[Organisation], monkeypatch: pytest.MonkeyPatch, killed_in: str
) -> None:
    """Killed after the first organisation's reminders are recorded (none sent yet), or after
    the first digest went out: the next tick sends what is left, and nothing twice."""
    original: Callable[..., Any] = snapshot_take if killed_in == "scheduling" else send_digest
    calls = 0

    def killed_on_the_second_call(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise Killed
        return original(*args)

    monkeypatch.setattr(f"tillit.followup.reminders.{original.__name__}", killed_on_the_second_call)
    with pytest.raises(Killed):
        tick.call()
    monkeypatch.undo()
    before_restart = _sent()
    assert sum(before_restart.values()) == (1 if killed_in == "sending" else 0)

    tick.call()
    tick.call()
    sent = _sent()
    assert {to for to, _subject in sent} == {"samordnare@0.test", "samordnare@1.test"}
    assert all(n == 1 for n in sent.values()), sent
    assert not Reminder.objects.filter(digest__isnull=True).exists()
    assert set(Digest.objects.values_list("status", flat=True)) == {DigestStatus.SENT}


# -- Incident mail ----------------------------------------------------------------------------


def _incident(capture: Capture) -> Incident:
    """An incident at a supplier two organisations use; their cases are told by the worker."""
    supplier: Supplier = make_supplier("Hosting AB")
    for number in range(2):
        organisation = make_organisation(f"Region {number}")
        make_member(organisation, Role.SECURITY_COORDINATOR, f"samordnare@{number}.test")
        make_member(organisation, Role.DATA_PROTECTION_OFFICER, f"dso@{number}.test")
        asset = make_asset(organisation, confidentiality=3, personal_data=True)
        make_contract(organisation, supplier, assets=[asset])
    now = timezone.now()
    with capture(execute=True):
        return incidents.incident_register(
            acting_user=None,
            actor_label="test",
            via=ReportedVia.STAFF,
            supplier=supplier,
            title="Intrång",
            description="Angripare kom åt kunddata.",
            started_at=now - dt.timedelta(days=1),
            discovered_at=now - dt.timedelta(hours=2),
            affected_services="Drift",
            data_categories="Namn",
            severity="critical",
            sources="Mejl",
        )


def test_notify_case_run_twice_tells_each_person_once(
    settings: Any, django_capture_on_commit_callbacks: Capture
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    incident = _incident(django_capture_on_commit_callbacks)
    first = _sent("Hosting AB")
    assert len(first) == 2 * 3  # coordinator, DPO and security address of each organisation
    for case in incident.cases.all():
        notify_case.call(str(case.pk))
    Case.objects.update(created_at=timezone.now() - dt.timedelta(minutes=10))
    tick.call()
    assert _sent("Hosting AB") == first


def test_a_notification_killed_before_it_was_recorded_is_sent_by_the_tick_once(
    settings: Any, django_capture_on_commit_callbacks: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed while sending (its transaction never commits, so no case is marked as told): the
    tick tells every case not yet told, and only those."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    enqueue, calls = notify_case.enqueue, 0

    class KilledOnTheSecondCase:
        def enqueue(self, case_id: str) -> Any:
            nonlocal calls
            calls += 1
            if calls == 2:
                raise Killed
            return enqueue(case_id)

    monkeypatch.setattr(incidents, "notify_case", KilledOnTheSecondCase())
    with pytest.raises(Killed):
        _incident(django_capture_on_commit_callbacks)
    monkeypatch.undo()
    told = Case.objects.filter(mail_sent_at__isnull=False).count()
    assert (Case.objects.count(), told, sum(_sent("Hosting AB").values())) == (2, 1, 3)
    Case.objects.update(created_at=timezone.now() - dt.timedelta(minutes=10))
    tick.call()
    tick.call()
    sent = _sent("Hosting AB")
    assert len(sent) == 6
    assert all(n == 1 for n in sent.values())
    assert not Case.objects.filter(mail_sent_at__isnull=True).exists()
