"""A screen closed by its own worker closes only after that worker has ended, so the worker
finishes as a success (dismissing from inside it made Textual cancel it while it returned:
a flaky failure of the calendar import test under load)."""

from __future__ import annotations

import threading

from textual import work
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from screens.after_work import DismissAfterWork


class Job(DismissAfterWork, Screen[str]):
    def __init__(self, release: threading.Event) -> None:
        super().__init__()
        self.release = release
        self.told = threading.Event()
        self.job: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        yield Static("working")

    def on_mount(self) -> None:
        self.job = self.run_job()

    @work(thread=True)
    def run_job(self) -> None:
        self.dismiss_after_work("done")
        self.told.set()
        self.release.wait(5)  # the worker is still on its way out


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.results: list[str | None] = []


async def test_the_screen_closes_when_its_worker_has_ended() -> None:
    app = Host()
    release = threading.Event()
    async with app.run_test() as pilot:
        job = Job(release)
        app.push_screen(job, app.results.append)
        await pilot.pause()
        assert job.told.wait(5)
        await pilot.pause(0.2)
        assert app.screen is job and not app.results  # not while the worker still runs
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert job.job is not None and job.job.state == WorkerState.SUCCESS
        assert app.results == ["done"] and app.screen is not job
