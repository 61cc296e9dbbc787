"""Helpers for work on many rows at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cycle collector while tens of thousands of short-lived rows and strings
    are made (it would walk them again and again: a fifth of a 10,000-meeting export).
    Reference counting still frees everything; only cycles wait until the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
