"""The one error type of the command line (its own module, so that ``python -m
coordinator.cli`` raises and catches the same class as the sub-command modules), and the
progress line every long command prints."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO


def progress_printer(stream: TextIO | None = None) -> Callable[[int, int], None]:
    """``done/total``: rewritten in place on a terminal, one whole line each elsewhere (a log
    or a pipe reads "1/3", "2/3", not "1/32/33/3")."""

    def show(done: int, total: int) -> None:
        out = stream or sys.stdout
        if out.isatty():
            end = "\n" if done >= total else ""
            print(f"\r{done}/{total}", end=end, file=out, flush=True)
        else:
            print(f"{done}/{total}", file=out, flush=True)

    return show


class UsageError(Exception):
    """A mistake on the command line or an unusable database: one line, exit status 2."""
