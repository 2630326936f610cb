"""The stored plan: read as rows, worked out again after any audited write of the organisation's
data or on a new day, and then only what changed is written."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tillit.assessments.services import link_issue, link_revoke, portal_log
from tillit.audit.selectors import latest_event_id
from tillit.classification.models import Asset
from tillit.conftest import Personas
from tillit.followup.models import Kind, PlanItem, PlanState, overdue_by_kind
from tillit.followup.plan import Responsibility, follow_up_plan
from tillit.followup.store import plan_items, refresh
from tillit.followup.tasks import refresh_plan
from tillit.followup.tests.helpers import certificate
from tillit.organisations.roles import Role
from tillit.suppliers.services import contract_update
from tillit.testing import make_assessment, make_asset, make_contract, make_member, make_user


def _keys(items: object) -> list[str]:
    return [item.key for item in items]  # type: ignore[attr-defined]


def test_the_stored_plan_is_the_plan_worked_out(personas: Personas) -> None:
    today = timezone.localdate()
    make_contract(personas.org_a, assets=[make_asset(personas.org_a, integrity=2)])
    certificate(personas, 10, "Cert AB")
    stored = plan_items(personas.org_a, today)
    worked_out = follow_up_plan(personas.org_a, today)
    assert _keys(stored) == _keys(worked_out)
    assert len(worked_out) == 4  # reassessment, classification review, certificate, pentest
    assert [(i.title, i.due, i.url, i.owner_id) for i in stored] == [
        (i.title, i.due, i.url, i.owner_id) for i in worked_out
    ]


def test_overdue_items_are_counted_by_kind(personas: Personas) -> None:
    today = timezone.localdate()
    certificate(personas, -1, "Förfallen AB")
    certificate(personas, -5, "Gammal AB")
    certificate(personas, 10, "Snart AB")
    assert overdue_by_kind(plan_items(personas.org_a, today), today) == {Kind.CERTIFICATE: 2}


def test_an_audited_write_brings_the_plan_up_to_date(personas: Personas) -> None:
    today = timezone.localdate()
    certificate(personas, 10, "Första AB")
    assert len(plan_items(personas.org_a, today)) == 1
    certificate(personas, 20, "Andra AB")  # through the service, which records an audit event
    titles = [item.title for item in plan_items(personas.org_a, today)]
    assert len(titles) == 2
    assert "Andra AB" in titles[1]


def test_the_worker_works_the_plan_out_again_right_after_a_change(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    """So that the next reader seldom has to: the tasks run at once in the tests."""
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        make_contract(personas.org_a, assets=[make_asset(personas.org_a, integrity=2)])
    state = PlanState.objects.get(organisation=personas.org_a)
    assert (state.day, state.event_id) == (today, latest_event_id(personas.org_a))
    stored = PlanItem.objects.filter(organisation=personas.org_a).order_by("key")
    assert _keys(stored) == sorted(_keys(follow_up_plan(personas.org_a, today)))
    assert len(stored) == 3  # reassessment, classification review, pentest
    assert not PlanState.objects.filter(organisation=personas.org_b).exists()
    link, _token = link_issue(
        acting_user=personas.admin_a,
        assessment=make_assessment(personas.org_b),
        contact_name="Kim",
        contact_email="kim@leverantor.test",
    )
    PlanState.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        portal_log(link, "questionnaire")  # a request, not a change: nothing to work out
    assert callbacks == []


def test_a_failed_enqueue_after_a_change_leaves_the_work_to_the_next_reader(
    personas: Personas, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Unreachable:
        def enqueue(self, *args: Any) -> None:
            raise RuntimeError("the task queue is unreachable")

    monkeypatch.setattr("tillit.followup.tasks.refresh_plan", Unreachable())
    with django_capture_on_commit_callbacks(execute=True):
        contract = make_contract(personas.org_a, assets=[make_asset(personas.org_a, integrity=2)])
    monkeypatch.undo()
    assert not PlanState.objects.exists()
    items = plan_items(personas.org_a, timezone.localdate())
    assert f"reassessment:{contract.pk}" in _keys(items)
    assert refresh_plan.call(str(uuid.uuid4())) is None  # an organisation since removed


def test_a_current_plan_is_read_without_working_it_out(personas: Personas) -> None:
    today = timezone.localdate()
    certificate(personas, 10, "Cert AB")
    refresh(personas.org_a, today)
    # Another organisation's writes do not concern this plan.
    make_contract(personas.org_b, assets=[make_asset(personas.org_b, integrity=2)])
    with CaptureQueriesContext(connection) as queries:
        items = list(plan_items(personas.org_a, today))
    assert len(items) == 1
    # Its state, its latest audit event, the rows (with their owners).
    assert len(queries) == 3


def test_a_request_logged_by_the_portal_changes_nothing(personas: Personas) -> None:
    today = timezone.localdate()
    link, _token = link_issue(
        acting_user=personas.admin_a,
        assessment=make_assessment(personas.org_a),
        contact_name="Kim",
        contact_email="kim@leverantor.test",
    )
    refresh(personas.org_a, today)
    portal_log(link, "questionnaire")  # in the audit log, as every portal request is
    with CaptureQueriesContext(connection) as queries:
        list(plan_items(personas.org_a, today))
    assert len(queries) == 3  # read as it was: not worked out again
    link_revoke(acting_user=personas.admin_a, link=link)  # a change
    with CaptureQueriesContext(connection) as queries:
        list(plan_items(personas.org_a, today))
    assert len(queries) > 3


def test_a_new_day_brings_the_plan_up_to_date(personas: Personas) -> None:
    today = timezone.localdate()
    contract = make_contract(personas.org_a, end=today + dt.timedelta(days=10))
    kinds = {item.kind for item in plan_items(personas.org_a, today)}
    assert Kind.CONTRACT_END in kinds
    # Written without a service, so without an audit event: seen from the next day on.
    type(contract).objects.filter(pk=contract.pk).update(end=today - dt.timedelta(days=60))
    assert Kind.CONTRACT_END in {item.kind for item in plan_items(personas.org_a, today)}
    later = plan_items(personas.org_a, today + dt.timedelta(days=1))
    assert Kind.CONTRACT_END not in {item.kind for item in later}
    assert PlanState.objects.get(organisation=personas.org_a).day == today + dt.timedelta(days=1)


def test_only_what_changed_is_written(personas: Personas) -> None:
    today = timezone.localdate()
    certificate(personas, 10, "Kvar AB")
    contract = make_contract(personas.org_a, end=today + dt.timedelta(days=100))
    before = {item.key: item.pk for item in plan_items(personas.org_a, today)}
    contract_update(
        acting_user=personas.admin_a,
        contract=contract,
        end=today + dt.timedelta(days=200),
        notice_period_days=30,
    )
    after = {item.key: item for item in plan_items(personas.org_a, today)}
    assert set(after) == set(before) | {f"notice:{contract.pk}"}
    # The same rows, the changed one with its new due date.
    assert all(after[key].pk == pk for key, pk in before.items())
    assert after[f"contract_end:{contract.pk}"].due == today + dt.timedelta(days=200)
    assert after[f"notice:{contract.pk}"].due == today + dt.timedelta(days=170)
    # What is no longer due is removed.
    contract_update(acting_user=personas.admin_a, contract=contract, end=None)
    assert f"contract_end:{contract.pk}" not in _keys(plan_items(personas.org_a, today))
    assert PlanItem.objects.filter(key=f"contract_end:{contract.pk}").count() == 0


def test_working_the_plan_out_again_costs_a_fixed_number_of_queries(personas: Personas) -> None:
    today = timezone.localdate()
    counts = []
    for total in (2, 12):
        while personas.org_a.contracts.count() < total:
            make_contract(personas.org_a, assets=[make_asset(personas.org_a, integrity=2)])
        PlanState.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            refresh(personas.org_a, today)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_filter_for_my_items_says_what_people_says(personas: Personas) -> None:
    """Responsibility.answered_by() (SQL, for the pages) agrees with people() (Python, for
    the reminders) for owners who are members, have left, were never members or are
    deactivated, and for items nobody owns."""
    today = timezone.localdate()
    owner = make_member(personas.org_a, Role.SYSTEM_OWNER)
    deactivated = make_member(personas.org_a, Role.SYSTEM_OWNER)
    deactivated.is_active = False
    deactivated.save()
    stranger = make_user()
    for who in (owner, deactivated, stranger, None):
        asset = make_asset(personas.org_a, integrity=2)
        Asset.objects.filter(pk=asset.pk).update(owner=who)
    certificate(personas, 10, "Ingens AB")
    items = list(plan_items(personas.org_a, today))
    responsibility = Responsibility.of(personas.org_a)
    people = [owner, deactivated, stranger, personas.admin_a, personas.reader_a]
    for user in people:
        expected = {item.key for item in items if user in responsibility.people(item)}
        mine = plan_items(personas.org_a, today).filter(responsibility.answered_by(user))
        assert set(_keys(mine)) == expected, user
    # The owner answers for their own system's review only; the administrator for the rest.
    owned = plan_items(personas.org_a, today).filter(responsibility.answered_by(owner))
    assert [item.kind for item in owned] == [Kind.CLASSIFICATION]
    fallback = plan_items(personas.org_a, today).filter(
        responsibility.answered_by(personas.admin_a)
    )
    assert len(fallback) == len(items) - 1


def test_one_refresh_of_an_organisation_at_a_time(personas: Personas) -> None:
    """On PostgreSQL the organisation's row is locked, without blocking rows that refer to it
    (SQLite runs one writing transaction at a time anyway)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    with CaptureQueriesContext(connection) as queries:
        refresh(personas.org_a, timezone.localdate())
    assert any("FOR NO KEY UPDATE" in query["sql"] for query in queries)
