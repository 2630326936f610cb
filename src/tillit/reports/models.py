"""Monthly snapshots of each organisation's key figures, so the dashboard's trends are real."""

from __future__ import annotations

from django.db import models

from tillit.organisations.models import Organisation


class Snapshot(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="snapshots"
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

    @property
    def open_findings(self) -> int:
        return sum(self.figures.get("findings_open", {}).values())
