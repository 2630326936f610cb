"""Follow-up: each organisation's cadence policy, its plan of what is due, the reminders Tillit
has decided to send, the daily digests that carry them, and per-user calendar feeds.

What is due is worked out from the data (plan.py) and stored as PlanItem rows, rewritten when
the organisation's data change (store.py), so that pages read one page of rows. What was sent to
whom and when is stored so that no reminder is sent twice and no failed mail is forgotten.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tillit.organisations.models import Organisation
from tillit.suppliers.models import CertificateType

MONTHS = [MinValueValidator(1), MaxValueValidator(120)]

SOON = dt.timedelta(days=30)


class Kind(models.TextChoices):
    REASSESSMENT = "reassessment", _("Reassessment")
    CERTIFICATE = "certificate", _("Certificate")
    PENTEST = "pentest", _("Penetration test")
    FINDING = "finding", _("Finding")
    AGREEMENT = "agreement", _("Processor agreement")
    NOTICE = "notice", _("Notice date")
    CONTRACT_END = "contract_end", _("Contract end")
    CLASSIFICATION = "classification", _("Classification review")
    QUESTIONNAIRE = "questionnaire", _("Unanswered questionnaire")
    INCIDENT_REASSESSMENT = "incident_reassessment", _("Reassessment after an incident")


TITLES = {
    Kind.REASSESSMENT: _("Reassess %(supplier)s (%(service)s)"),
    Kind.CERTIFICATE: _("%(certificate)s of %(supplier)s expires"),
    Kind.PENTEST: _("Penetration test of %(supplier)s"),
    Kind.FINDING: _("Finding at %(supplier)s: %(finding)s"),
    Kind.AGREEMENT: _("Processor agreement with %(supplier)s is missing or incomplete"),
    Kind.NOTICE: _("Last day to give notice: %(supplier)s (%(service)s)"),
    Kind.CONTRACT_END: _("Contract with %(supplier)s ends (%(service)s)"),
    Kind.CLASSIFICATION: _("Review the classification of %(asset)s"),
    Kind.QUESTIONNAIRE: _("%(supplier)s has not answered %(assessment)s"),
    Kind.INCIDENT_REASSESSMENT: _("Reassess %(supplier)s after the incident “%(incident)s”"),
}


@dataclass(frozen=True)
class Stage:
    """A reminder sent when today ≥ due + offset days: to the owner, the supplier, or both."""

    offset: int
    owner: bool = True
    supplier: bool = False


OWNER_STAGES = {
    Kind.REASSESSMENT: (Stage(-30), Stage(0), Stage(30)),
    # The day after valid_until the certificate has expired.
    Kind.CERTIFICATE: (Stage(-90), Stage(-30), Stage(-7), Stage(1), Stage(30)),
    Kind.PENTEST: (Stage(-30), Stage(0), Stage(30)),
    Kind.FINDING: (Stage(-7, supplier=True), Stage(1, supplier=True), Stage(14)),
    Kind.AGREEMENT: (Stage(0), Stage(30), Stage(90)),
    Kind.NOTICE: (Stage(-60), Stage(-14), Stage(0)),
    Kind.CONTRACT_END: (Stage(-90), Stage(-30), Stage(0)),
    Kind.CLASSIFICATION: (Stage(-30), Stage(0), Stage(30)),
    Kind.INCIDENT_REASSESSMENT: (Stage(0), Stage(14)),
    # The supplier is reminded first; the owner when the supplier still has not answered.
    Kind.QUESTIONNAIRE: (
        Stage(-7, owner=False, supplier=True),
        Stage(1, owner=False, supplier=True),
        Stage(7),
    ),
}


class Status(StrEnum):
    OVERDUE = "overdue"
    SOON = "soon"
    LATER = "later"


class PlanItem(models.Model):
    """One thing the organisation must look at again, with its due date: worked out by
    plan.follow_up_plan() (unsaved) and stored by store.py, which keeps the rows in step with
    the data. Its status is read against today, so it needs no rewriting as days pass."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    key = models.CharField(max_length=100)  # stable identity: "<kind>:<object id>"
    kind = models.CharField(max_length=30, choices=Kind.choices)
    due = models.DateField()
    url = models.CharField(max_length=500)
    params = models.JSONField(default=dict)  # the names in its title, as they were
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    supplier_contacts = models.JSONField(default=list)  # whom a supplier stage reminds

    class Meta:
        ordering = ["due", "kind", "key"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="followup_item_once"),
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values), name="followup_item_kind"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "due", "kind", "key"]),
            models.Index(fields=["organisation", "kind", "due"]),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def title(self) -> str:
        """In the active language."""
        params: dict[str, str] = self.params
        if self.kind == Kind.CERTIFICATE:
            params = {**params, "certificate": str(CertificateType(params["certificate"]).label)}
        return str(TITLES[Kind(self.kind)]) % params

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)

    @property
    def stages(self) -> tuple[Stage, ...]:
        return OWNER_STAGES[Kind(self.kind)]

    def status(self, today: dt.date) -> Status:
        if self.due < today:
            return Status.OVERDUE
        if self.due <= today + SOON:
            return Status.SOON
        return Status.LATER

    def stage_reached(self, today: dt.date) -> Stage | None:
        reached = [s for s in self.stages if today >= self.due + dt.timedelta(days=s.offset)]
        return reached[-1] if reached else None


def status_filter(status: Status, today: dt.date) -> models.Q:
    """The items of a status on a day, as PlanItem.status() decides it."""
    if status == Status.OVERDUE:
        return models.Q(due__lt=today)
    if status == Status.SOON:
        return models.Q(due__gte=today, due__lte=today + SOON)
    return models.Q(due__gt=today + SOON)


def overdue_by_kind(items: models.QuerySet[PlanItem], today: dt.date) -> dict[str, int]:
    """How many of the items are overdue on the day, by kind, in one query."""
    overdue = items.filter(status_filter(Status.OVERDUE, today))
    return dict(overdue.values_list("kind").annotate(models.Count("pk")).order_by())


class PlanState(models.Model):
    """When the organisation's stored plan was worked out: on which day, and up to which of its
    audit events. Every write of an organisation's data records an audit event for it, so a
    newer event (or a new day) means the stored plan may be out of date."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    day = models.DateField()
    event_id = models.BigIntegerField()  # 0: the organisation had no audit event yet
    refreshed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.day}"


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
