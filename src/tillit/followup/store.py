"""The organisation's follow-up plan as stored rows, kept in step with its data.

Every write of an organisation's data records an audit event for that organisation (the
services' rule, audit.services.audit_record), so the stored plan remembers on which day and up
to which of the organisation's audit events it was worked out. Reading it checks that first
(two small queries); after a newer event, or on a new day (contract ends drop out of the plan,
portal links expire), the plan is worked out again and only what changed is written. The daily
pass does so for every organisation, so pages seldom wait for it.
"""

from __future__ import annotations

import datetime as dt
import operator
from functools import reduce
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from tillit.accounts.models import User
from tillit.audit.selectors import latest_change, latest_event_id
from tillit.followup.models import PlanItem, PlanState
from tillit.followup.plan import Responsibility, follow_up_plan
from tillit.organisations.models import Organisation

FIELDS = ["kind", "due", "url", "params", "owner", "supplier_contacts"]
COLUMNS = ["kind", "due", "url", "params", "owner_id", "supplier_contacts"]
BATCH = 500


def plan_items(organisation: Organisation, today: dt.date) -> QuerySet[PlanItem]:
    """The organisation's plan, soonest due first, brought up to date first if it is not."""
    _bring_up_to_date([organisation], today)
    return PlanItem.objects.filter(organisation=organisation).select_related("owner")


def items_for(user: User, today: dt.date) -> list[tuple[Organisation, PlanItem]]:
    """The items the user answers for, in every organisation they belong to: the same few
    queries however many those are (and a refresh of each plan that is not current)."""
    organisations = list(
        Organisation.objects.filter(memberships__user=user).distinct().order_by("name")
    )
    if not organisations:
        return []
    _bring_up_to_date(organisations, today)
    responsibility = Responsibility.of_each(organisations)
    mine = reduce(
        operator.or_,
        (Q(organisation=o) & responsibility[o.pk].answered_by(user) for o in organisations),
    )
    by_pk = {organisation.pk: organisation for organisation in organisations}
    found = [
        (by_pk[item.organisation_id], item)
        for item in PlanItem.objects.filter(mine).select_related("owner")
    ]
    return sorted(found, key=lambda pair: (pair[1].due, pair[0].name))


def _bring_up_to_date(organisations: list[Organisation], today: dt.date) -> None:
    """Refresh the plans of those organisations whose plan is not current (checked in two
    queries for all of them)."""
    current = _current([organisation.pk for organisation in organisations], today)
    for organisation in organisations:
        if organisation.pk not in current:
            refresh(organisation, today)


@transaction.atomic
def refresh(organisation: Organisation, today: dt.date) -> None:
    """Work the plan out from the data and store what changed. One refresh of an organisation
    at a time: the organisation's row is locked (in a way that lets others write rows that
    refer to it), and a refresh that waited finds the plan current and does nothing."""
    list(Organisation.objects.select_for_update(no_key=True).filter(pk=organisation.pk))
    if _current([organisation.pk], today):
        return
    # Read before the data: a write that lands meanwhile leaves the plan marked out of date.
    event = latest_event_id(organisation)
    _write(organisation, follow_up_plan(organisation, today))
    PlanState.objects.update_or_create(
        organisation=organisation, defaults={"day": today, "event_id": event}
    )


def _current(pks: list[Any], today: dt.date) -> set[Any]:
    """Those of the organisations whose stored plan is current: worked out today, and up to
    their latest audit event."""
    latest = dict(
        Organisation.objects.filter(pk__in=pks)
        .annotate(event=Coalesce(Subquery(latest_change(OuterRef("pk"))), 0))
        .values_list("pk", "event")
    )
    states = PlanState.objects.filter(organisation__in=pks)
    return {
        pk
        for pk, day, event in states.values_list("organisation_id", "day", "event_id")
        if (day, event) == (today, latest[pk])
    }


def _values(item: PlanItem) -> tuple[Any, ...]:
    return tuple(getattr(item, column) for column in COLUMNS)


def _write(organisation: Organisation, items: list[PlanItem]) -> None:
    """Make the stored rows equal to the items: delete, add and update only what differs."""
    stored = {
        key: (pk, tuple(values))
        for pk, key, *values in PlanItem.objects.filter(organisation=organisation).values_list(
            "pk", "key", *COLUMNS
        )
    }
    wanted = {item.key: item for item in items}
    gone = [pk for key, (pk, _values_) in stored.items() if key not in wanted]
    added, changed = [], []
    for key, item in wanted.items():
        item.organisation = organisation
        if key not in stored:
            added.append(item)
        elif stored[key][1] != _values(item):
            item.pk = stored[key][0]
            changed.append(item)
    for start in range(0, len(gone), BATCH):
        PlanItem.objects.filter(pk__in=gone[start : start + BATCH]).delete()
    PlanItem.objects.bulk_create(added, batch_size=BATCH)
    PlanItem.objects.bulk_update(changed, FIELDS, batch_size=BATCH)
