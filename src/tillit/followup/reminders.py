"""Deciding and sending reminders.

schedule_reminders(today) walks every organisation's plan and records a Reminder for each item
whose next stage has been reached, once per stage and recipient (a unique constraint makes that
hold however often and however many schedulers run). Reminders are gathered into one Digest per
recipient per day; send_digest() sends one and records the outcome. A failed send stays FAILED
with its error and is tried again on the next run, up to MAX_ATTEMPTS; nothing is dropped.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from tillit.accounts.models import User
from tillit.followup.models import Digest, DigestStatus, PlanItem, Reminder, Run
from tillit.followup.plan import Responsibility
from tillit.followup.store import plan_items
from tillit.organisations.models import Organisation
from tillit.reports.figures import snapshot_take

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
SUPPLIER_LANGUAGE = "sv+en"  # supplier contacts have no account: their mails are bilingual


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str


def _record(organisation: Organisation, item: PlanItem, offset: int, recipient: Recipient) -> bool:
    """Record one reminder; False if it was already recorded (by this or another run)."""
    titles = {}
    for language in _languages(recipient.language):
        with translation.override(language):
            titles[language] = item.title
    try:
        with transaction.atomic():
            Reminder.objects.create(
                organisation=organisation,
                item_key=item.key,
                stage=offset,
                recipient=recipient.email,
                kind=item.kind,
                title=titles,
                due=item.due,
                url=item.url,
            )
    except IntegrityError:
        return False
    return True


def schedule_for(organisation: Organisation, today: dt.date) -> int:
    """Record the reminders the organisation's plan calls for today; return how many are new."""
    responsibility = Responsibility.of(organisation)
    created = 0
    for item in plan_items(organisation, today):
        stage = item.stage_reached(today)
        if stage is None:
            continue
        recipients: list[Recipient] = []
        if stage.owner:
            people = responsibility.people(item)
            recipients += [Recipient(user.email, user.language) for user in people]
            if not people:
                logger.warning(
                    "Follow-up item %s of %s has nobody to remind", item.key, organisation
                )
        if stage.supplier:
            recipients += [Recipient(email, SUPPLIER_LANGUAGE) for email in item.supplier_contacts]
        for recipient in recipients:
            created += _record(organisation, item, stage.offset, recipient)
    return created


def gather_digests(today: dt.date) -> list[Digest]:
    """Put every reminder not yet in a digest into its recipient's digest of today. A recipient
    whose digest of today has already gone out gets the rest tomorrow."""
    digests = []
    pending = (
        Reminder.objects.filter(digest__isnull=True)
        .values_list("recipient", flat=True)
        .distinct()
        .order_by("recipient")
    )
    for recipient in pending:
        with transaction.atomic():
            digest, _created = Digest.objects.get_or_create(
                recipient=recipient, day=today, defaults={"language": _language_of(recipient)}
            )
            digest = Digest.objects.select_for_update().get(pk=digest.pk)
            if digest.status == DigestStatus.SENT:
                continue
            Reminder.objects.filter(recipient=recipient, digest__isnull=True).update(digest=digest)
            digests.append(digest)
    return digests


def _language_of(recipient: str) -> str:
    user = User.objects.filter(email__iexact=recipient).first()
    return user.language if user is not None else SUPPLIER_LANGUAGE


def _languages(language: str) -> tuple[str, ...]:
    return ("sv", "en") if language == SUPPLIER_LANGUAGE else (language,)


def _render(digest: Digest) -> tuple[str, str]:
    """The subject and body, in the recipient's language (both, for a supplier)."""
    reminders = list(digest.reminders.select_related("organisation").order_by("due", "item_key"))
    count = len(reminders)
    bodies, subjects = [], []
    for language in _languages(digest.language):
        with translation.override(language):
            subjects.append(
                ngettext(
                    "Tillit: %(count)s thing to follow up",
                    "Tillit: %(count)s things to follow up",
                    count,
                )
                % {"count": count}
            )
            lines = [
                {
                    "organisation": reminder.organisation.name,
                    "title": reminder.title.get(language) or next(iter(reminder.title.values())),
                    "due": reminder.due,
                    "url": reminder.url,
                }
                for reminder in reminders
            ]
            context = {
                "reminders": lines,
                "today": digest.day,
                "base_url": settings.BASE_URL,
                "supplier": digest.language == SUPPLIER_LANGUAGE,
            }
            bodies.append(render_to_string("followup/email/digest.txt", context))
    return " / ".join(subjects), "\n\n---\n\n".join(bodies)


def send_digest(digest_id: UUID) -> DigestStatus:
    """Send one digest unless it has been sent; record the outcome either way."""
    with transaction.atomic():
        digest = Digest.objects.select_for_update().get(pk=digest_id)
        if digest.status == DigestStatus.SENT:
            return DigestStatus.SENT
        subject, body = _render(digest)
        digest.attempts += 1
        try:
            send_mail(subject, body, None, [digest.recipient], fail_silently=False)
        except Exception as exc:  # SMTP refused, DNS, timeout…: recorded and retried later
            logger.warning("Sending the digest to %s failed: %s", digest.recipient, exc)
            digest.status = DigestStatus.FAILED
            digest.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            digest.save(update_fields=["status", "attempts", "last_error"])
            return DigestStatus.FAILED
        digest.status = DigestStatus.SENT
        digest.subject, digest.body = subject, body
        digest.sent_at = timezone.now()
        digest.last_error = ""
        digest.save(
            update_fields=["status", "attempts", "subject", "body", "sent_at", "last_error"]
        )
        return DigestStatus.SENT


def send_due(record: Run) -> None:
    """Send every digest waiting or failed (fewer than MAX_ATTEMPTS times)."""
    due = Digest.objects.filter(
        status__in=(DigestStatus.PENDING, DigestStatus.FAILED), attempts__lt=MAX_ATTEMPTS
    ).values_list("pk", flat=True)
    for digest_id in list(due):
        if send_digest(digest_id) == DigestStatus.SENT:
            record.digests_sent += 1
        else:
            record.digests_failed += 1


def run(today: dt.date) -> Run:
    """The daily pass: decide today's reminders, gather them, send every digest due."""
    record = Run.objects.create(day=today, daily=True)
    for organisation in Organisation.objects.order_by("name"):
        # One organisation's failure (its data, or a fault) must not cost the others their
        # reminders: recorded in the log, and its part of the pass is left undone.
        try:
            with transaction.atomic():
                record.reminders += schedule_for(organisation, today)
                snapshot_take(organisation, today)
        except Exception:
            logger.exception("The daily pass failed for organisation %s", organisation.slug)
    gather_digests(today)
    send_due(record)
    record.finished_at = timezone.now()
    record.save()
    return record


def retry(today: dt.date) -> Run:
    """Between daily passes: only send what failed or waits."""
    record = Run.objects.create(day=today)
    send_due(record)
    record.finished_at = timezone.now()
    record.save()
    return record
