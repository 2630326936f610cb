"""Which reminders go to whom, and when: time is driven by passing `today`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from tillit.accounts.models import User
from tillit.assessments import services as assessment_services
from tillit.assessments.models import Assessment
from tillit.followup import reminders
from tillit.followup.models import Digest, DigestStatus, Kind, Policy, Reminder, Run
from tillit.followup.plan import follow_up_plan
from tillit.organisations.models import Organisation
from tillit.organisations.roles import Role
from tillit.suppliers.models import Certificate, Contract
from tillit.suppliers.services import certificate_add
from tillit.testing import (
    make_assessment,
    make_asset,
    make_contract,
    make_member,
    make_organisation,
    make_supplier,
)

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]
TODAY = dt.date(2027, 3, 1)


@dataclass
class World:
    organisation: Organisation
    coordinator: User
    owner: User
    contract: Contract


@pytest.fixture
def world() -> World:
    organisation = make_organisation("Exempelstad")
    coordinator = make_member(organisation, Role.SECURITY_COORDINATOR, "samordnare@x.test")
    owner = make_member(organisation, Role.SYSTEM_OWNER, "agare@x.test")
    asset = make_asset(organisation, "Lön", integrity=2)
    asset.owner = owner
    asset.save()
    contract = make_contract(organisation, assets=[asset], service="Lönetjänst")
    return World(organisation, coordinator, owner, contract)


def _certificate(world: World, valid_until: dt.date) -> Certificate:
    return certificate_add(
        acting_user=world.coordinator,
        organisation=world.organisation,
        supplier=world.contract.supplier,
        kind="iso27001",
        issuer="Cert AB",
        scope="Allt",
        valid_from=dt.date(2024, 1, 1),
        valid_until=valid_until,
    )


def _keys(organisation: Organisation) -> set[tuple[str, str, int]]:
    return set(
        Reminder.objects.filter(organisation=organisation).values_list("kind", "recipient", "stage")
    )


def test_the_plan_follows_the_policy(world: World) -> None:
    plan = {item.key: item for item in follow_up_plan(world.organisation, TODAY)}
    reassess = plan[f"reassessment:{world.contract.pk}"]
    # Never assessed: due from the start.
    assert reassess.due == world.contract.created_at.date()
    assert reassess.owner == world.owner
    completed = make_assessment(world.organisation, supplier=world.contract.supplier)
    completed.contracts.set([world.contract])
    Assessment.objects.filter(pk=completed.pk).update(
        status="completed", completed_at=dt.datetime(2026, 5, 10, 12, tzinfo=dt.UTC)
    )
    plan = {item.key: item for item in follow_up_plan(world.organisation, TODAY)}
    # Highest level 2 → every 24 months by default.
    assert plan[f"reassessment:{world.contract.pk}"].due == dt.date(2028, 5, 10)
    Policy.objects.create(organisation=world.organisation, level_2_months=6)
    plan = {item.key: item for item in follow_up_plan(world.organisation, TODAY)}
    assert plan[f"reassessment:{world.contract.pk}"].due == dt.date(2026, 11, 10)


def test_a_certificate_is_reminded_ahead_and_after_once_per_stage(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    expiry = dt.date(2027, 6, 30)
    _certificate(world, expiry)
    key = ("certificate", "samordnare@x.test")

    def on(day: dt.date) -> set[int]:
        reminders.run(day)
        return {stage for kind, who, stage in _keys(world.organisation) if (kind, who) == key}

    assert on(expiry - dt.timedelta(days=91)) == set()
    assert on(expiry - dt.timedelta(days=90)) == {-90}
    assert on(expiry - dt.timedelta(days=89)) == {-90}  # nothing new the next day
    # Both the 30- and 7-day stages passed while no run happened: only the latest is sent.
    assert on(expiry - dt.timedelta(days=5)) == {-90, -7}
    assert on(expiry) == {-90, -7}
    assert on(expiry + dt.timedelta(days=1)) == {-90, -7, 1}


def test_a_renewed_certificate_silences_the_old_one(world: World) -> None:
    _certificate(world, dt.date(2027, 3, 10))
    _certificate(world, dt.date(2030, 3, 10))
    reminders.run(TODAY)
    assert not Reminder.objects.filter(kind="certificate").exists()


def test_one_digest_per_person_per_day_and_never_twice(world: World) -> None:
    _certificate(world, TODAY + dt.timedelta(days=7))
    mail.outbox.clear()
    first = reminders.run(TODAY)
    to_coordinator = [m for m in mail.outbox if m.to == ["samordnare@x.test"]]
    assert len(to_coordinator) == 1
    digest = Digest.objects.get(recipient="samordnare@x.test")
    # The certificate and the penetration test (level 2), both in the same mail; the
    # reassessment goes to the system's owner.
    assert set(digest.reminders.values_list("kind", flat=True)) == {"certificate", "pentest"}
    for reminder in digest.reminders.all():
        assert reminder.title["sv"] in str(to_coordinator[0].body)
    assert first.reminders >= 2
    sent = len(mail.outbox)
    again = reminders.run(TODAY)
    assert (again.reminders, len(mail.outbox)) == (0, sent)
    assert Digest.objects.filter(recipient="samordnare@x.test").count() == 1


def test_the_owner_gets_their_items_and_the_coordinator_the_rest(world: World) -> None:
    _certificate(world, TODAY)
    reminders.run(TODAY)
    keys = _keys(world.organisation)
    # The contract was made today (in real time), never assessed: 30 days overdue by TODAY.
    assert ("reassessment", "agare@x.test", 30) in keys
    assert not any(who == "samordnare@x.test" for kind, who, _ in keys if kind == "reassessment")
    assert ("certificate", "samordnare@x.test", -7) in keys


def test_an_owner_who_left_is_replaced_by_the_coordinators(world: World) -> None:
    world.owner.is_active = False
    world.owner.save()
    reminders.run(TODAY)
    kinds = {(kind, who) for kind, who, _ in _keys(world.organisation)}
    assert ("reassessment", "samordnare@x.test") in kinds
    assert not any(who == "agare@x.test" for _, who in kinds)


def test_each_recipient_in_their_language(world: World) -> None:
    User.objects.filter(pk=world.owner.pk).update(language="en")
    reminders.run(TODAY)
    owner_mail = next(m for m in mail.outbox if m.to == ["agare@x.test"])
    coordinator_mail = next(m for m in mail.outbox if m.to == ["samordnare@x.test"])
    assert "to follow up" in owner_mail.subject
    assert "Reassess" in str(owner_mail.body)
    assert "att följa upp" in coordinator_mail.subject


def test_the_supplier_is_reminded_first_then_the_owner(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    assessment = make_assessment(world.organisation, supplier=make_supplier("Leverantören AB"))
    Assessment.objects.filter(pk=assessment.pk).update(
        due_on=dt.date(2027, 4, 1), created_by=world.owner
    )
    with django_capture_on_commit_callbacks(execute=True):
        assessment_services.link_issue(
            acting_user=world.coordinator,
            assessment=assessment,
            contact_name="Kim",
            contact_email="kim@leverantor.test",
        )

    def recipients(day: dt.date) -> set[str]:
        reminders.run(day)
        return {who for kind, who, _ in _keys(world.organisation) if kind == "questionnaire"}

    assert recipients(dt.date(2027, 3, 20)) == set()
    assert recipients(dt.date(2027, 3, 25)) == {"kim@leverantor.test"}
    supplier_mail = [m for m in mail.outbox if m.to == ["kim@leverantor.test"]][-1]
    assert "Leverantören AB har inte besvarat" in str(supplier_mail.body)
    assert "has not answered" in str(supplier_mail.body)  # bilingual: no account, no language
    assert "/o/" not in str(supplier_mail.body)  # no links into the organisation's Tillit
    assert recipients(dt.date(2027, 4, 8)) == {"kim@leverantor.test", "agare@x.test"}


def test_a_failed_send_is_kept_and_retried(world: World, settings: Any) -> None:
    settings.EMAIL_BACKEND = "tillit.followup.tests.failing.FailingBackend"
    first = reminders.run(TODAY)
    assert first.digests_failed >= 1
    digest = Digest.objects.get(recipient="samordnare@x.test")
    assert digest.status == DigestStatus.FAILED
    assert "SMTPServerDisconnected" in digest.last_error
    assert digest.attempts == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    reminders.retry(TODAY)
    digest.refresh_from_db()
    assert digest.status == DigestStatus.SENT
    assert digest.attempts == 2
    assert digest.body
    assert digest.sent_at is not None
    assert len([m for m in mail.outbox if m.to == ["samordnare@x.test"]]) == 1
    reminders.retry(TODAY)
    assert len([m for m in mail.outbox if m.to == ["samordnare@x.test"]]) == 1


def test_reminders_after_a_sent_digest_wait_for_the_next_day(world: World) -> None:
    reminders.run(TODAY)
    _certificate(world, TODAY)  # new today, after the digest went out
    reminders.run(TODAY)
    waiting = Reminder.objects.get(kind="certificate")
    assert waiting.digest is None
    reminders.run(TODAY + dt.timedelta(days=1))
    waiting.refresh_from_db()
    assert waiting.digest is not None
    assert waiting.digest.day == TODAY + dt.timedelta(days=1)


def test_the_command_runs_a_day(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("followup", "run", "--date", "2027-03-01")
    assert "2027-03-01:" in capsys.readouterr().out
    assert Run.objects.get().daily
    with pytest.raises(Exception, match="Not a date"):
        call_command("followup", "run", "--date", "1 mars")


def test_nobody_to_remind_is_logged_not_lost(caplog: pytest.LogCaptureFixture) -> None:
    organisation = make_organisation("Ingen samordnare")
    make_contract(organisation, assets=[make_asset(organisation, integrity=1)])
    reminders.run(TODAY)
    assert not Reminder.objects.filter(organisation=organisation).exists()
    assert "has nobody to remind" in caplog.text
    assert Kind.REASSESSMENT in {item.kind for item in follow_up_plan(organisation, TODAY)}


def test_one_organisation_that_fails_costs_the_others_nothing(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """A date at the edge of the calendar, stored before dates were held within a range, made
    the pass fail for every organisation after it by name, every day (it never finished)."""
    _certificate(world, dt.date(9999, 12, 31))  # Exempelstad: a reminder after it is no date
    later = [make_organisation(name) for name in ("Fjällby", "Gränna")]
    for organisation in later:
        make_member(organisation, Role.SECURITY_COORDINATOR, f"samordnare@{organisation.slug}.test")
        certificate_add(
            acting_user=world.coordinator,
            organisation=organisation,
            supplier=make_supplier(),
            kind="iso27001",
            issuer="Cert AB",
            scope="Allt",
            valid_from=dt.date(2024, 1, 1),
            valid_until=TODAY + dt.timedelta(days=7),
        )
    record = reminders.run(TODAY)
    assert record.finished_at is not None
    for organisation in later:
        expected = {("certificate", f"samordnare@{organisation.slug}.test", -7)}
        assert _keys(organisation) == expected
    assert f"The daily pass failed for organisation {world.organisation.slug}" in caplog.text
