"""Closing a screen when the worker that finished its job has ended."""

from __future__ import annotations

from typing import Any

from textual.worker import Worker, WorkerState, get_current_worker

_ENDED = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)


class DismissAfterWork:
    """For screens whose worker ends by closing the screen. Dismissing from inside the worker
    (through call_from_thread) removes the screen while the worker is still returning, and
    Textual then cancels that worker: whoever waits for it sees it cancelled. The worker calls
    ``dismiss_after_work(result)`` instead, and the screen closes once the worker has ended."""

    _after_work: tuple[Worker[Any], object] | None = None

    def dismiss_after_work(self, result: object) -> None:
        """Called from the worker's thread, as its last step."""
        self._after_work = (get_current_worker(), result)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if self._after_work is None or event.state not in _ENDED:
            return
        worker, result = self._after_work
        if event.worker is worker:
            self._after_work = None
            self.dismiss(result)  # type: ignore[attr-defined]
