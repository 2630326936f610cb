"""Fixed-window request limits kept in the shared cache (the database cache in production, so
every web process counts together)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def allow(key: str, limit: int, window: int) -> bool:
    """Count one request against key; False once more than limit arrive within window seconds."""
    bucket = f"ratelimit:{key}:{int(time.time() // window)}"
    if cache.add(bucket, 1, timeout=window):
        return True
    try:
        return cache.incr(bucket) <= limit
    except ValueError:  # the bucket expired between add and incr
        cache.add(bucket, 1, timeout=window)
        return True


def client_address(request: HttpRequest) -> str:
    """The client's IP address. Behind TRUSTED_PROXIES reverse proxies every request comes from
    the nearest proxy, so the address is the one the outermost trusted proxy appended to
    X-Forwarded-For; entries further left were written by the client and prove nothing."""
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
    proxies: int = settings.TRUSTED_PROXIES
    if proxies and len(forwarded) >= proxies and forwarded[-proxies]:
        return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))
