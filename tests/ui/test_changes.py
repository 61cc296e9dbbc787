"""Several coordinators on one network, seen from the app: a refused save that loses
nothing, screens that refresh after somebody else's change, and the Changes section."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from textual.widgets import DataTable, Input, TextArea

from coordinator.app import CoordinatorApp
from coordinator.context import Context
from coordinator.minutes import tasks
from screens.changes import ChangesScreen, RecordChangesDialog
from screens.conflict import ConflictDialog
from screens.dialogs import NotesDialog, TaskDialog
from screens.minutes import TextDialog
from storage.enums import TaskStatus
from storage.models import Task
from storage.uow import reading
from tests.conftest import FROZEN_NOW
from tests.ui.helpers import click, open_section, screen_text, settle


def anna_app(engine: Engine, *, watch: bool = False) -> CoordinatorApp:
    context = Context(engine=engine, label="network", clock=lambda: FROZEN_NOW, actor="Anna")
    return CoordinatorApp(context, watch_changes=watch)


def task_of(engine: Engine, task_id: int) -> Task:
    with reading(engine) as session:
        task = session.get(Task, task_id)
        assert task is not None
        return task


async def open_first_open_task(pilot, app: CoordinatorApp) -> int:  # type: ignore[no-untyped-def]
    await pilot.press("t")
    await settle(pilot)
    board = app.screen.query_one("#board-open", DataTable)
    board.focus()
    await settle(pilot)
    key = board.coordinate_to_cell_key(board.cursor_coordinate).row_key.value
    return int(key or 0)


async def test_a_stale_save_is_refused_shows_who_changed_what_and_loses_nothing(
    sample_engine: Engine,
) -> None:
    ben = sample_engine.execution_options(coordinator_actor="Ben Okafor")
    app = anna_app(sample_engine)
    async with app.run_test(size=(140, 45)) as pilot:
        task_id = await open_first_open_task(pilot, app)
        await pilot.press("o")  # Anna opens the notes of the task
        await settle(pilot)
        assert isinstance(app.screen, NotesDialog)
        app.screen.query_one("#notes-text", TextArea).load_text("Anna: Raum ist reserviert")
        # Meanwhile Ben saves his notes on the same task.
        tasks.set_notes(ben, task_id, "Ben: Raum noch offen")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictDialog)
        shown = screen_text(app)
        assert "Ben Okafor changed this record while you were editing it." in shown
        assert "Ben: Raum noch offen" in shown and "Anna: Raum ist reserviert" in shown
        assert task_of(sample_engine, task_id).notes == "Ben: Raum noch offen"  # Ben's kept
        await click(pilot, "#overwrite")  # Anna decides to save hers after all
        await settle(pilot)
        assert task_of(sample_engine, task_id).notes == "Anna: Raum ist reserviert"


async def test_reload_opens_the_editor_on_the_other_coordinators_text(
    sample_engine: Engine,
) -> None:
    ben = sample_engine.execution_options(coordinator_actor="Ben Okafor")
    app = anna_app(sample_engine)
    async with app.run_test(size=(140, 45)) as pilot:
        task_id = await open_first_open_task(pilot, app)
        await pilot.press("o")
        await settle(pilot)
        app.screen.query_one("#notes-text", TextArea).load_text("Anna")
        tasks.set_notes(ben, task_id, "Ben war schneller")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await click(pilot, "#reload")
        await settle(pilot)
        assert isinstance(app.screen, NotesDialog)
        assert app.screen.query_one("#notes-text", TextArea).text == "Ben war schneller"
        await pilot.press("escape")
        assert task_of(sample_engine, task_id).notes == "Ben war schneller"


async def test_a_status_key_on_a_stale_board_row_asks_first(sample_engine: Engine) -> None:
    ben = sample_engine.execution_options(coordinator_actor="Ben Okafor")
    app = anna_app(sample_engine)
    async with app.run_test(size=(140, 45)) as pilot:
        task_id = await open_first_open_task(pilot, app)
        tasks.set_status(ben, task_id, TaskStatus.DROPPED)
        await pilot.press("3")  # Anna marks the task done, from the board she still sees
        await settle(pilot)
        assert isinstance(app.screen, ConflictDialog)
        assert "status open → dropped" in screen_text(app)
        await click(pilot, "#cancel")
        await settle(pilot)
        assert task_of(sample_engine, task_id).status == TaskStatus.DROPPED


async def test_the_open_screen_refreshes_and_the_dialog_keeps_what_is_typed(
    sample_engine: Engine,
) -> None:
    ben = sample_engine.execution_options(coordinator_actor="Ben Okafor")
    app = anna_app(sample_engine, watch=True)
    async with app.run_test(size=(140, 45)) as pilot:
        task_id = await open_first_open_task(pilot, app)
        board = app.screen.query_one("#board-in_progress", DataTable)
        assert str(task_id) not in [key.value for key in board.rows]
        await pilot.press("a")  # Anna starts typing a new task
        await settle(pilot)
        assert isinstance(app.screen, TaskDialog)
        app.screen.query_one("#task-title", Input).value = "Getränke besorgen"
        tasks.set_status(ben, task_id, TaskStatus.IN_PROGRESS)  # Ben, elsewhere
        await pilot.pause(2.6)  # one poll of a SQLite network (PostgreSQL: a notification)
        await settle(pilot)
        # the board behind the dialog shows Ben's change
        assert str(task_id) in [key.value for key in board.rows]
        assert isinstance(app.screen, TaskDialog)
        assert app.screen.query_one("#task-title", Input).value == "Getränke besorgen"


async def test_changes_section_lists_who_did_what_and_sets_the_name(
    sample_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("COORDINATOR_USER", raising=False)
    app = anna_app(sample_engine)
    async with app.run_test(size=(160, 45)) as pilot:
        assert "you: Anna" in screen_text(app)
        task_id = await open_first_open_task(pilot, app)
        await pilot.press("4")  # Anna drops a task
        await settle(pilot)
        dropped = app.screen.query_one("#board-dropped", DataTable)
        dropped.focus()
        dropped.move_cursor(row=dropped.get_row_index(str(task_id)))
        await pilot.press("H")  # that task's changes
        await settle(pilot)
        assert isinstance(app.screen, RecordChangesDialog)
        assert "Anna" in screen_text(app) and "open → dropped" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("C")
        await settle(pilot)
        assert isinstance(app.screen, ChangesScreen)
        shown = screen_text(app)
        assert "Anna" in shown and "Amira Haddad" in shown and "Jonas Weber" in shown
        table = app.screen.query_one("#changes", DataTable)
        table.focus()
        await pilot.press("enter")  # only the newest entry's record: Anna's task
        await settle(pilot)
        assert table.row_count >= 1
        assert all(str(table.get_row_at(i)[1]) == "Anna" for i in range(table.row_count))
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, TextDialog)
        app.screen.query_one("#text", Input).value = "Anna Berger"
        await pilot.press("enter")
        await settle(pilot)
        assert "you: Anna Berger" in screen_text(app)
    assert (tmp_path / "coordinator" / "identity.json").read_text(encoding="utf-8")
    assert task_of(sample_engine, task_id).status == TaskStatus.DROPPED


async def test_a_form_refused_as_stale_keeps_what_was_typed_until_overwritten(
    sample_engine: Engine,
) -> None:
    from sqlmodel import select

    from coordinator.register import people
    from screens.forms import PersonForm
    from storage.models import Person
    from tests.ui.test_register import open_register, search

    with reading(sample_engine) as session:
        zeynep = session.exec(
            select(Person).where(Person.family_name == "Çelik", Person.given_name == "Zeynep")
        ).one()
    ben = sample_engine.execution_options(coordinator_actor="Ben Okafor")
    app = anna_app(sample_engine)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_register(pilot, "p")
        await search(pilot, "zeynep celik")
        await pilot.press("enter")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PersonForm)
        form.query_one("#field-phone", Input).value = "+49 30 23125 999"
        data = people.input_of(sample_engine, zeynep.id or 0)
        people.update_person(ben, zeynep.id or 0, replace_notes(data, "Ben: neue Adresse"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictDialog)
        assert "Ben: neue Adresse" in screen_text(app)
        await click(pilot, "#cancel")  # back to the form: nothing typed is lost
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#field-phone", Input).value == "+49 30 23125 999"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await click(pilot, "#overwrite")
        await settle(pilot)
        assert app.screen is not form
    with reading(sample_engine) as session:
        saved = session.get(Person, zeynep.id)
        assert saved is not None and saved.phone == "+493023125999"  # stored as E.164


def replace_notes(data, notes: str):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(data, notes=notes)


async def test_the_changes_of_a_meeting_from_the_meeting_list(sample_engine: Engine) -> None:
    from coordinator.meetings import meetings
    from screens.meetings.section import MeetingsScreen

    app = anna_app(sample_engine)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_section(pilot, "m", MeetingsScreen)
        table = screen.query_one("#upcoming-table", DataTable)
        table.focus()
        occ = screen.shown[str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)]
        ben = sample_engine.execution_options(coordinator_actor="Ben Okafor")
        data = meetings.input_of(sample_engine, occ.meeting_id)
        data.location = "Bürgerhaus West"
        meetings.update_meeting(ben, occ.meeting_id, data)
        await pilot.press("H")
        await settle(pilot)
        assert isinstance(app.screen, RecordChangesDialog)
        shown = screen_text(app)
        assert "Changes: " + occ.title in shown
        assert "Ben Okafor" in shown and "location: " in shown
        assert "Bürgerhaus West" in shown  # the highlighted change in full, under the table
