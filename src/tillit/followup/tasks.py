"""Background work of the follow-up, run by the worker (django-tasks, database backend)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from tillit.followup import reminders, store
from tillit.followup.models import Run
from tillit.incidents.models import Case
from tillit.incidents.tasks import notify_case
from tillit.lib import planner, ratelimit
from tillit.organisations.models import Organisation

logger = logging.getLogger(__name__)


def daily_pass_due(now: dt.datetime) -> bool:
    """Whether today's reminders are still to be decided: once a day, from the sending hour
    (local time, Europe/Stockholm; dates, not hours, so a DST change cannot skip or repeat it).
    A pass that never finished (its worker was killed) does not count: the next tick runs it
    again, which sends nothing twice (a reminder is recorded once per stage and recipient, and
    a digest that went out is never sent again)."""
    local = timezone.localtime(now)
    if local.hour < settings.FOLLOWUP_SEND_HOUR:
        return False
    finished = Run.objects.filter(day=local.date(), daily=True, finished_at__isnull=False)
    return not finished.exists()


def retry_case_mail(older_than: dt.timedelta = dt.timedelta(minutes=5)) -> None:
    """Tell the organisations whose incident case mail has not gone out (the first try failed)."""
    waiting = Case.objects.filter(
        mail_sent_at__isnull=True, created_at__lt=timezone.now() - older_than
    ).values_list("pk", flat=True)
    for pk in list(waiting):
        try:
            notify_case.call(str(pk))
        except Exception:  # recorded in the log; the next tick tries again
            logger.exception("Telling the organisation of case %s failed", pk)


@task()
def tick() -> None:
    """What the scheduler enqueues every few minutes: the daily pass when due, else retries;
    incident mails that could not be sent; forgetting ended rate-limit windows; and, on
    SQLite, the query planner's statistics."""
    now = timezone.now()
    today = timezone.localdate(now)
    if daily_pass_due(now):
        reminders.run(today)
    else:
        reminders.retry(today)
    retry_case_mail()
    ratelimit.forget_expired()
    planner.refresh_statistics()


@task()
def refresh_plan(organisation_id: str) -> None:
    """Work the organisation's plan out again after a change (audit.services enqueues it);
    nothing to do when a reader or an earlier task already has."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is not None:
        store.refresh(organisation, timezone.localdate())
