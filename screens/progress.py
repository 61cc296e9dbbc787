"""Long work in a worker thread, seen by the coordinator: a progress bar shown only while the
work runs, and the way to stop it (the worker's progress callback raises ``Stopped`` once the
worker is cancelled; the work's transaction then rolls back)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from textual.app import App
from textual.widgets import ProgressBar


class Stopped(Exception):
    """The coordinator pressed Cancel while a worker ran."""


class WorkProgress(ProgressBar):
    """A progress bar that shows only while its work runs (an idle bar would read "--%")."""

    def on_mount(self) -> None:
        self.display = False

    def begin(self) -> None:
        self.update(total=None, progress=0)
        self.display = True

    def end(self) -> None:
        self.display = False


@contextmanager
def running(app: App[object], bar: WorkProgress) -> Iterator[None]:
    """Show ``bar`` while a worker thread does its work."""
    app.call_from_thread(bar.begin)
    try:
        yield
    finally:
        app.call_from_thread(bar.end)
