"""Locks never surface as tracebacks: while another process holds the write lock, a quick
change on the task board and a CLI write each say in one line that somebody else is writing,
change nothing, and the app goes on."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Input

from coordinator.app import CoordinatorApp
from coordinator.context import Context
from screens.tasks import TasksScreen
from storage import engine as storage_engine
from storage.engine import open_database, resolve_target
from tests.conftest import FROZEN_NOW, ON_POSTGRES, SAMPLE_DB
from tests.ui.helpers import notices, open_section, settle

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="SQLite's file lock")


async def test_a_quick_change_while_another_writer_holds_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "sample.db"
    shutil.copy(SAMPLE_DB, path)
    monkeypatch.setattr(storage_engine, "BUSY_TIMEOUT_MS", 300)
    engine = open_database(resolve_target(str(path)))
    context = Context(engine=engine, label=str(path), clock=lambda: FROZEN_NOW)
    before = sqlite3.connect(path).execute("SELECT id, status FROM task ORDER BY id").fetchall()
    app = CoordinatorApp(context, watch_changes=False)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_section(pilot, "t", TasksScreen)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # a long import in another process
        await pilot.press("2")
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
        assert app.is_running
        assert "writing to the network" in notices(app)
        holder.execute("ROLLBACK")
        holder.close()
    after = sqlite3.connect(path).execute("SELECT id, status FROM task ORDER BY id").fetchall()
    assert after == before
    engine.dispose()


def _erase_first_person(path: Path, wait: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "coordinator.cli", "people", "erase", "1", "--yes",
         "--db", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "LANG": "C.UTF-8", "LANGUAGE": "", "COORDINATOR_WAIT_SECONDS": str(wait)},
    )  # fmt: skip


def _first_name(path: Path) -> str:
    return sqlite3.connect(path).execute("SELECT given_name FROM person WHERE id = 1").fetchone()[0]


def test_a_cli_write_says_it_waits_then_gives_up_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "sample.db"
    shutil.copy(SAMPLE_DB, path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a long import in another process
    try:
        _out, err = _erase_first_person(path, wait=1).communicate(timeout=120)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    waiting, refused = err.splitlines()
    assert "writing to the network; waiting (up to 1 s)" in waiting
    assert refused.startswith("coordinator: error:") and "nothing was changed" in refused
    assert "Traceback" not in err
    assert _first_name(path) != ""


def test_a_cli_write_waits_visibly_and_succeeds_when_the_lock_is_freed(tmp_path: Path) -> None:
    path = tmp_path / "sample.db"
    shutil.copy(SAMPLE_DB, path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    command = _erase_first_person(path, wait=60)
    try:
        line = command.stderr.readline() if command.stderr else ""  # said before it gives up
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    out, err = command.communicate(timeout=120)
    assert "waiting (up to 60 s)" in line, line + err
    assert command.returncode == 0 and "erased" in out, err
    assert "Traceback" not in err
    assert _first_name(path) == ""


async def test_a_form_saved_while_another_writer_holds_the_lock_keeps_the_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from screens.forms import Form
    from screens.register.section import RegisterScreen

    path = tmp_path / "sample.db"
    shutil.copy(SAMPLE_DB, path)
    monkeypatch.setattr(storage_engine, "BUSY_TIMEOUT_MS", 300)
    engine = open_database(resolve_target(str(path)))
    context = Context(engine=engine, label=str(path), clock=lambda: FROZEN_NOW)
    app = CoordinatorApp(context, watch_changes=False)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_section(pilot, "n", RegisterScreen)
        await pilot.press("o", "a")
        await settle(pilot)
        assert isinstance(app.screen, Form)
        await pilot.press(*"Verein Wartend e.V.")
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # a long import in another process
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
        holder.execute("ROLLBACK")
        holder.close()
        assert app.is_running and isinstance(app.screen, Form)
        assert "writing to the network" in str(app.screen.query_one("#form-error").render())
        assert app.screen.query_one("#field-name", Input).value == "Verein Wartend e.V."
        await pilot.press("enter")  # the lock is free now: saved
        await settle(pilot)
        assert not isinstance(app.screen, Form)
    saved = (
        sqlite3.connect(path)
        .execute("SELECT COUNT(*) FROM organisation WHERE name = 'Verein Wartend e.V.'")
        .fetchone()
    )
    assert saved == (1,)
    engine.dispose()
