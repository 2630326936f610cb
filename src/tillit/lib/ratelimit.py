"""Fixed-window request limits, counted in the database so that every web process counts
together: one INSERT … ON CONFLICT DO UPDATE … RETURNING per request (PostgreSQL, and SQLite
from 3.35), atomic however many requests arrive at once, and always the same one statement."""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from tillit.web.models import RequestCount

# RequestCount's table.
_COUNT = (
    "INSERT INTO web_requestcount (bucket, count, expires_at) VALUES (%s, 1, %s) "
    "ON CONFLICT (bucket) DO UPDATE SET count = web_requestcount.count + 1 RETURNING count"
)


def allow(key: str, limit: int, window: int) -> bool:
    """Count one request against key; False once more than limit arrive within window seconds."""
    number = int(time.time() // window)
    ends = dt.datetime.fromtimestamp((number + 1) * window, dt.UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            _COUNT,
            [f"{key}:{window}:{number}", connection.ops.adapt_datetimefield_value(ends)],
        )
        (count,) = cursor.fetchone()
    return int(count) <= limit


def forget_expired() -> int:
    """Delete the counts of windows that have ended (the follow-up tick does this)."""
    deleted, _kinds = RequestCount.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def client_address(request: HttpRequest) -> str:
    """The client's IP address. Behind TRUSTED_PROXIES reverse proxies every request comes from
    the nearest proxy, so the address is the one the outermost trusted proxy appended to
    X-Forwarded-For; entries further left were written by the client and prove nothing."""
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
    proxies: int = settings.TRUSTED_PROXIES
    if proxies and len(forwarded) >= proxies and forwarded[-proxies]:
        return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))
