"""What the web layer keeps: request counts for the rate limits (tillit.lib.ratelimit)."""

from __future__ import annotations

from django.db import models


class RequestCount(models.Model):
    """Requests counted against one rate-limit key in one fixed window."""

    bucket = models.CharField(max_length=300, primary_key=True)  # key, window length, window
    count = models.PositiveIntegerField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.bucket}: {self.count}"
