"""Printable files of a meeting (agenda, minutes) written from a screen: every format next
to where the app runs, and one notice saying where, or why not."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from textual.screen import Screen

from coordinator.files import WriteError, write_formats
from coordinator.i18n import _


def write_documents(
    screen: Screen[object],
    stem: str,
    render: Callable[[str], str],
    formats: Sequence[str],
    folder: Path | None = None,
) -> None:
    try:
        written = write_formats(folder or Path.cwd(), stem, render, formats)
    except WriteError as exc:
        screen.notify(str(exc), severity="error", timeout=10)
        return
    screen.notify(
        _("Written: {files}").format(files=", ".join(str(p) for p in written)), timeout=10
    )
