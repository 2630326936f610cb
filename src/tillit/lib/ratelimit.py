"""Fixed-window request limits kept in the shared cache (the database cache in production, so
every web process counts together)."""

from __future__ import annotations

import time

from django.core.cache import cache


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
