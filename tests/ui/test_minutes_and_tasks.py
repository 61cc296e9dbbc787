"""Pilot tests: take attendance, write notes, add a decision and two action items during a
meeting, see the tasks on the board and the dashboard, change status by key, carry open tasks
into the next meeting's agenda, approve the minutes and fail to edit them."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select
from textual.widgets import DataTable, Input

from coordinator.app import CoordinatorApp
from coordinator.context import Context
from coordinator.meetings import agenda, invitations, meetings
from coordinator.meetings.meetings import MeetingInput
from screens.dialogs import ConfirmDialog, NotesDialog, TaskDialog
from screens.minutes import MinutesScreen, TextDialog
from screens.tasks import TasksScreen
from storage.enums import AttendanceStatus, MinutesStatus, TaskStatus
from storage.models import AgendaItem, Attendance, Decision, Minutes, Task
from tests.conftest import FROZEN_NOW
from tests.ui.helpers import click, notices, screen_text, settle


async def test_minutes_during_the_meeting_then_tasks_on_board_and_next_agenda(
    sample_context: Context,
) -> None:
    engine = sample_context.engine
    series = meetings.create_meeting(
        engine,
        MeetingInput(
            title="AG Sprachmittlung", day="2026-11-20", start="18:00", end="19:30", repeat="weekly"
        ),
    )
    invitations.invite_by_name(engine, series, "organisation", "Syrisches Haus Bielefeld e.V.")
    first_start = meetings.validate(
        MeetingInput(title="x", day="2026-11-20", start="18:00", end="19:30")
    ).starts_at
    first = meetings.occurrence(engine, series, first_start)
    agenda.add_item(engine, first, "Dolmetscherliste", minutes=20)

    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        app.push_screen(MinutesScreen(sample_context, first))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MinutesScreen)
        # attendance: the first two present, the third excused
        await pilot.press("p", "p", "e")
        await settle(pilot)
        # notes on the agenda item
        items = screen.query_one("#items-table", DataTable)
        items.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NotesDialog)  # several lines: Enter starts a new one
        await pilot.press(*"Liste wird ergänzt:", "enter", *"Arabisch und Kurdisch.", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NotesDialog)
        # a decision and two action items
        await pilot.press("d")
        await settle(pilot)
        app.screen.query_one(
            "#text", Input
        ).value = "Sprachmittler erhalten eine Aufwandsentschädigung."
        await pilot.press("enter")
        await settle(pilot)
        for title, owner in (
            ("Liste an alle Vereine schicken", "Syrisches Haus Bielefeld e.V."),
            ("Förderantrag prüfen", ""),
        ):
            await pilot.press("t")
            await settle(pilot)
            assert isinstance(app.screen, TaskDialog)
            app.screen.query_one("#task-title", Input).value = title
            app.screen.query_one("#task-owner", Input).value = owner
            app.screen.query_one("#task-due", Input).value = (
                FROZEN_NOW + timedelta(days=3)
            ).strftime("%d.%m.%Y")
            await pilot.press("enter")
            await settle(pilot)
        text = screen_text(app)
        assert "Liste an alle Vereine schicken" in text and "Sprachmittler erhalten" in text
        # approve (asked once), then changes are refused with a clear message
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+a")  # already approved: said so, not asked again
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert "already approved" in notices(app)
        await pilot.press("d")
        await settle(pilot)
        app.screen.query_one("#text", Input).value = "Noch ein Beschluss"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TextDialog)  # refused in the dialog, the text kept
        assert "approved" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        with Session(engine) as session:
            minutes = session.exec(select(Minutes).where(Minutes.meeting_id == first)).one()
            assert minutes.status == MinutesStatus.APPROVED
            notes = session.exec(
                select(AgendaItem.minutes_text).where(AgendaItem.meeting_id == first)
            )
            assert "Liste wird ergänzt:\nArabisch und Kurdisch." in list(notes)
            assert [
                d.text for d in session.exec(select(Decision).where(Decision.meeting_id == first))
            ] == ["Sprachmittler erhalten eine Aufwandsentschädigung."]
            statuses = sorted(
                a.status
                for a in session.exec(select(Attendance).where(Attendance.minutes_id == minutes.id))
            )
            assert (
                statuses.count(AttendanceStatus.PRESENT) == 2
                and statuses.count(AttendanceStatus.EXCUSED) == 1
            )
        await pilot.press("escape")
        await settle(pilot)

        # the tasks are on the board, and due this week on the dashboard
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TasksScreen)
        board = app.screen.query_one("#board-open", DataTable)
        on_board = [str(board.get_row_at(i)[1]) for i in range(board.row_count)]
        assert "Liste an alle Vereine schicken" in on_board and "Förderantrag prüfen" in on_board
        board.focus()
        row = next(
            i
            for i in range(board.row_count)
            if "Förderantrag prüfen" in str(board.get_row_at(i)[1])
        )
        board.move_cursor(row=row)
        await pilot.press("2")  # in progress
        await settle(pilot)
        in_progress = app.screen.query_one("#board-in_progress", DataTable)
        assert "Förderantrag prüfen" in [
            str(in_progress.get_row_at(i)[1]) for i in range(in_progress.row_count)
        ]
        await pilot.press("d")
        await settle(pilot)
        assert "Liste an alle Vereine schicken" in screen_text(app)
    with Session(engine) as session:
        task = session.exec(select(Task).where(Task.title == "Förderantrag prüfen")).one()
        assert task.status == TaskStatus.IN_PROGRESS

    # preparing the next meeting of the series carries the open tasks onto its agenda
    second = meetings.occurrence(engine, series, first_start + timedelta(days=7))
    follow_up = next(
        line for line in agenda.agenda(engine, second) if line.title.startswith("Nachverfolgung")
    )
    assert (
        "- Liste an alle Vereine schicken" in follow_up.note
        and "- Förderantrag prüfen" in follow_up.note
    )


async def test_decision_register_search_and_status(sample_context: Context) -> None:
    from storage.enums import DecisionStatus

    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 45)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        search = screen.query_one("#decision-search", Input)
        search.value = "flyer"
        search.focus()
        await pilot.press("enter")
        await settle(pilot)
        table = screen.query_one("#decision-table", DataTable)
        assert table.row_count >= 1
        assert all("Flyer" in str(table.get_row_at(i)[2]) for i in range(table.row_count))
        table.move_cursor(row=0)
        decision_id = int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0)
        await pilot.press("x")
        await settle(pilot)
        assert "revoked" in str(table.get_row_at(0)[4])
    with Session(sample_context.engine) as session:
        assert session.get(Decision, decision_id).status == DecisionStatus.REVOKED  # type: ignore[union-attr]


async def test_new_task_with_owner_priority_and_notes_then_postpone(
    sample_context: Context,
) -> None:
    from screens.dialogs import TaskDialog
    from storage.enums import Priority

    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 45)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TaskDialog)
        dialog.query_one("#task-title", Input).value = "Dankesbrief an die Stiftung"
        dialog.query_one("#task-owner", Input).value = "Bürgerstiftung Teutoburg"
        dialog.query_one("#task-due", Input).value = "01.12.2026"
        dialog.query_one("#task-priority").value = "high"  # type: ignore[attr-defined]
        dialog.query_one("#task-notes", Input).value = "mit Fotos vom Fest"
        await click(pilot, "#save")
        await settle(pilot)
        board = app.screen.query_one("#board-open", DataTable)
        row = next(
            i for i in range(board.row_count) if "Dankesbrief" in str(board.get_row_at(i)[1])
        )
        board.focus()
        board.move_cursor(row=row)
        await pilot.press("plus")
        await settle(pilot)
    with Session(sample_context.engine) as session:
        task = session.exec(select(Task).where(Task.title == "Dankesbrief an die Stiftung")).one()
        assert task.priority == Priority.HIGH and task.notes == "mit Fotos vom Fest"
        assert (
            task.owner_organisation_id is not None
            and task.due_on is not None
            and task.due_on.isoformat() == "2026-12-08"
        )


async def test_a_bad_due_date_or_owner_keeps_the_action_item_dialog_open(
    sample_context: Context,
) -> None:
    """Issue 18: due 31.02.2027 or owner "Chiara" closed the dialog and lost everything.
    Now both fields are named, the typed text stays, and the corrected item is saved; all
    by keys."""
    engine = sample_context.engine
    meeting = meetings.create_meeting(
        engine, MeetingInput(title="AG Tippfehler", day="2026-11-20", start="18:00", end="19:00")
    )
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.push_screen(MinutesScreen(sample_context, meeting))
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TaskDialog)
        await pilot.press(*"Raumliste schicken", "tab", *"Chiarra", "tab", *"31.02.2027", "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TaskDialog), "the dialog must stay open"
        text = screen_text(app)
        assert "Due: " in text and "Owner: " in text and "Chiarra" in text, text
        assert dialog.query_one("#task-title", Input).value == "Raumliste schicken"
        assert dialog.query_one("#task-due", Input).value == "31.02.2027"
        assert dialog.focused is dialog.query_one("#task-due", Input)
        await pilot.press(
            "ctrl+u", *"28.02.2027", "shift+tab", "ctrl+u", *"Syrisches Haus", "enter"
        )  # Enter takes the one name the dropdown offers, the next Enter saves
        await settle(pilot)
        assert dialog.query_one("#task-owner", Input).value == "Syrisches Haus Bielefeld e.V."
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MinutesScreen), screen_text(app)
    with Session(engine) as session:
        task = session.exec(select(Task).where(Task.title == "Raumliste schicken")).one()
        assert str(task.due_on) == "2027-02-28" and task.owner_organisation_id is not None
