"""An import of an organisation's file, checked and then carried out by the worker, so that a
large file never holds up a web request and the page can show how far it has come."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tillit.documents.models import Document
from tillit.organisations.models import Organisation


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="import_jobs"
    )
    kind = models.CharField(max_length=30)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    dry_run = models.BooleanField()  # a check (preview), or the import itself
    language = models.CharField(max_length=10, default="sv")  # of the problems reported
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list)  # the first problems: row, column, message
    problem_count = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)  # an unexpected error, for the operator
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.document}"

    @property
    def pending(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def ok(self) -> bool:
        return self.status == JobStatus.DONE and not self.problem_count
