"""Pausing Python's collector of reference cycles during work that makes millions of objects.

An import of 100,000 rows or the layout of a 40-page PDF makes so many objects that the
collector would go over them, and the rest of the process, again and again: a fifth to a
quarter of the time of the work. Reference counting frees objects as before while the collector
is paused; whatever cycles the work left are collected once it resumes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
