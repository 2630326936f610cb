"""Monthly snapshots of each organisation's key figures, so the dashboard's trends are real."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tillit.documents.models import Document
from tillit.organisations.models import Organisation


class Snapshot(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="snapshots", db_index=False
    )
    month = models.DateField()  # the first day of the month
    figures = models.JSONField()
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month"], name="reports_snapshot_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.month:%Y-%m}"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ManagementReport(models.Model):
    """A management report asked for by a member and made by the worker as a PDF."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="management_reports"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    language = models.CharField(_("language"), max_length=2, default="sv")
    reference = models.CharField(_("reference number (diarienummer)"), max_length=100, blank=True)
    secrecy_marking = models.CharField(_("secrecy marking"), max_length=200, blank=True)
    decisions = models.TextField(_("decisions asked of management"), blank=True)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    error = models.TextField(blank=True)
    document = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="reports_report_period_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.period_start}–{self.period_end}"
