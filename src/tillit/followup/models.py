"""Follow-up: each organisation's cadence policy, the reminders Tillit has decided to send, the
daily digests that carry them, and per-user calendar feeds.

What is due is not stored: it is computed from the data (plan.py). What is stored is what was
sent to whom and when, so that no reminder is sent twice and no failed mail is forgotten.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tillit.organisations.models import Organisation

MONTHS = [MinValueValidator(1), MaxValueValidator(120)]


class Policy(models.Model):
    """How often an organisation reassesses a supplier contract, by the highest classification
    level of the assets it serves."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="followup_policy"
    )
    level_3_months = models.PositiveSmallIntegerField(
        _("highest level 3: reassess every (months)"), default=12, validators=MONTHS
    )
    level_2_months = models.PositiveSmallIntegerField(
        _("highest level 2: reassess every (months)"), default=24, validators=MONTHS
    )
    level_1_months = models.PositiveSmallIntegerField(
        _("highest level 0–1: reassess every (months)"), default=36, validators=MONTHS
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level_3_months__gte=1, level_3_months__lte=120)
                & models.Q(level_2_months__gte=1, level_2_months__lte=120)
                & models.Q(level_1_months__gte=1, level_1_months__lte=120),
                name="followup_policy_months_valid",
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    def months_for(self, level: int) -> int:
        if level >= 3:
            return self.level_3_months
        if level == 2:
            return self.level_2_months
        return self.level_1_months


class DigestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will be retried")


class Digest(models.Model):
    """One e-mail to one person on one day, carrying all their reminders of that day."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.EmailField()
    language = models.CharField(max_length=10)
    day = models.DateField()
    status = models.CharField(
        max_length=10, choices=DigestStatus.choices, default=DigestStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)  # exactly what was sent
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "recipient"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="followup_digest_per_day"),
            models.CheckConstraint(
                condition=models.Q(status__in=DigestStatus.values), name="followup_digest_status"
            ),
        ]
        indexes = [models.Index(fields=["status", "day"])]

    def __str__(self) -> str:
        return f"{self.recipient} {self.day}"


class Reminder(models.Model):
    """That one follow-up item reached one of its reminder stages for one recipient. The unique
    constraint is the no-duplicate rule: however often the scheduler runs, once per stage."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    item_key = models.CharField(max_length=100)
    stage = models.SmallIntegerField()  # days relative to the due date
    recipient = models.EmailField()
    # What the reminder says, in the recipient's language, as it was when decided.
    kind = models.CharField(max_length=30)
    title = models.JSONField(default=dict)  # {language: text}: one, or sv and en for suppliers
    due = models.DateField()
    url = models.CharField(max_length=500)
    digest = models.ForeignKey(
        Digest, on_delete=models.PROTECT, null=True, blank=True, related_name="reminders"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due", "item_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["item_key", "stage", "recipient"], name="followup_reminder_once"
            )
        ]
        indexes = [models.Index(fields=["recipient", "digest"])]

    def __str__(self) -> str:
        return self.item_key


class Run(models.Model):
    """One pass of the scheduler, shown on the follow-up page so people see it works."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    day = models.DateField()
    daily = models.BooleanField(default=False)  # the day's pass, not only a retry of sends
    reminders = models.PositiveIntegerField(default=0)
    digests_sent = models.PositiveIntegerField(default=0)
    digests_failed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.day}"


class CalendarFeed(models.Model):
    """A user's secret iCalendar address (for Outlook); only the token's hash is kept."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return str(self.user)
