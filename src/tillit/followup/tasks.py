"""Background work of the follow-up, run by the worker (django-tasks, database backend)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from tillit.followup import reminders
from tillit.followup.models import Run


def daily_pass_due(now: dt.datetime) -> bool:
    """Whether today's reminders are still to be decided: once a day, from the sending hour
    (local time, Europe/Stockholm; dates, not hours, so a DST change cannot skip or repeat it)."""
    local = timezone.localtime(now)
    if local.hour < settings.FOLLOWUP_SEND_HOUR:
        return False
    return not Run.objects.filter(day=local.date(), daily=True).exists()


@task()
def tick() -> None:
    """What the scheduler enqueues every few minutes: the daily pass when due, else retries."""
    now = timezone.now()
    today = timezone.localdate(now)
    if daily_pass_due(now):
        reminders.run(today)
    else:
        reminders.retry(today)
