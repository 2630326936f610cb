"""Supplier incidents, shared by every organisation they hit, and each organisation's own case
with its regulatory clocks, journal and lessons learned."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tillit.organisations.models import Organisation
from tillit.suppliers.models import Supplier


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class IncidentStatus(models.TextChoices):
    SUSPECTED = "suspected", _("Suspected")
    CONFIRMED = "confirmed", _("Confirmed")
    CONTAINED = "contained", _("Contained")
    RESOLVED = "resolved", _("Resolved")


class ReportedVia(models.TextChoices):
    STAFF = "staff", _("An organisation")
    OPERATOR = "operator", _("The operator")
    PORTAL = "portal", _("The supplier, through its portal link")


class Incident(models.Model):
    """What happened at a supplier. Every organisation it hits sees this record; what each
    writes about its own situation goes in its Case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="incidents")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what happened"))
    started_at = models.DateTimeField(_("started"))
    discovered_at = models.DateTimeField(_("discovered"))
    affected_services = models.TextField(_("affected services or products"), blank=True)
    data_categories = models.TextField(_("suspected data categories"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.SUSPECTED
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    sources = models.TextField(_("sources"), blank=True)
    reported_via = models.CharField(max_length=10, choices=ReportedVia.choices)
    reported_by = models.CharField(max_length=254)  # a user's or a portal contact's e-mail
    reporting_organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-discovered_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discovered_at__gte=models.F("started_at")),
                name="incident_discovered_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(severity__in=Severity.values), name="incident_severity_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Case(models.Model):
    """One organisation's handling of an incident. Private to that organisation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="cases", db_index=False
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="cases")
    # How the incident reaches the organisation: supplier names from its own supplier down,
    # and that supplier of its own (the one to reassess).
    path = models.JSONField(default=list)
    via_supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="+")
    # The impact as found when the case was opened (systems, data, agreements), for the record.
    impact = models.JSONField(default=dict)
    notified_at = models.DateTimeField()  # when Tillit opened the case and told the organisation
    mail_sent_at = models.DateTimeField(null=True, blank=True)  # when that mail went out
    aware_at = models.DateTimeField(_("became aware"))
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "organisation"], name="incident_case_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident} – {self.organisation}"


class ClockStep(models.Model):
    """One deadline of one regime in a case (rules in data/clocks.yaml)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps", db_index=False)
    regime = models.CharField(max_length=40)
    step = models.CharField(max_length=40)
    position = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    reference = models.CharField(_("reference number"), max_length=100, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "regime", "step"], name="incident_clock_step_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.regime}.{self.step}"


class CaseEntry(models.Model):
    """A line in the case's journal. Never edited or removed (the timeline is append-only)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class Lesson(models.Model):
    """Lessons learned from a closed case, published to every organisation on the instance."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="lesson")
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="lessons")
    text = models.TextField(_("lessons learned"))
    show_organisation = models.BooleanField(_("show our organisation's name"), default=False)
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.text[:50]
