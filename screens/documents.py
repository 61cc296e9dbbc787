"""Printable files of a meeting (agenda, minutes) written from a screen: every format next
to where the app runs, and one notice saying where, or why not."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from textual.screen import Screen

from coordinator.documents import PdfUnavailable
from coordinator.files import WriteError, write_formats
from coordinator.i18n import _


def write_documents(
    screen: Screen[object],
    stem: str,
    render: Callable[[str], str | bytes],
    formats: Sequence[str],
    folder: Path | None = None,
) -> None:
    """Every format of ``formats``, then the PDF (where this machine can make one: else the
    notice says why, and the other files are written all the same)."""
    folder = folder or Path.cwd()
    try:
        written = write_formats(folder, stem, render, formats)
        written += write_formats(folder, stem, render, ("pdf",))
        missing = ""
    except PdfUnavailable as exc:
        missing = str(exc)
    except WriteError as exc:
        screen.notify(str(exc), severity="error", timeout=10)
        return
    message = _("Written: {files}").format(files=", ".join(str(p) for p in written))
    screen.notify(f"{message} {missing}".strip(), timeout=10)
