"""Pilot tests of the calendar dialogs: export a calendar from the meeting list, import a
partner's file (preview, then import, then undo), write a meeting's invitation file."""

from __future__ import annotations

from pathlib import Path

import icalendar
from sqlmodel import Session, select
from textual.widgets import Checkbox, DataTable, Input

from coordinator.app import CoordinatorApp
from coordinator.context import Context
from screens.dialogs import ConfirmDialog
from screens.meetings.calendar_files import (
    CalendarExportDialog,
    CalendarImportDialog,
    MeetingCalendarDialog,
)
from screens.meetings.meeting import MeetingScreen
from storage.models import Meeting
from tests.fixtures.ics_clients import GOOGLE, crlf
from tests.ui.helpers import click, notices, screen_text, settle
from tests.ui.test_meetings import open_meetings


async def test_export_a_filtered_calendar(sample_context: Context, tmp_path: Path) -> None:
    app = CoordinatorApp(sample_context)
    target = tmp_path / "net.ics"
    async with app.run_test(size=(120, 45)) as pilot:
        await open_meetings(pilot)
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CalendarExportDialog)
        dialog.query_one("#start", Input).value = "morgen"
        await click(pilot, "#export")
        await settle(pilot)
        assert "Not a date" in screen_text(app) and not target.exists()
        dialog.query_one("#start", Input).value = "2026-11-22"
        dialog.query_one("#reminder", Input).value = "30"
        dialog.query_one("#attendees", Checkbox).value = True
        dialog.query_one("#path", Input).value = str(target)
        await settle(pilot)  # the fields have taken their values before the button is pressed
        await click(pilot, "#export")
        await settle(pilot)
        assert not isinstance(app.screen, CalendarExportDialog), screen_text(app)
        assert "events written to" in notices(app)
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    events = calendar.walk("VEVENT")
    assert events and all("ATTENDEE" in e for e in events if "RRULE" in e)
    assert calendar.walk("VALARM")


async def test_import_preview_then_import_then_undo(
    sample_context: Context, tmp_path: Path
) -> None:
    partner = tmp_path / "eltern.ics"
    partner.write_bytes(crlf(GOOGLE))
    broken = tmp_path / "broken.ics"
    broken.write_bytes(b"BEGIN:VCARD\r\nFN:Ada\r\nEND:VCARD\r\n")  # not a calendar at all

    def count() -> int:
        with Session(sample_context.engine) as session:
            return len(session.exec(select(Meeting)).all())

    before = count()
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(130, 45)) as pilot:
        await open_meetings(pilot)
        await pilot.press("i")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CalendarImportDialog)
        dialog.query_one("#path", Input).value = str(broken)
        await pilot.press("enter")
        await settle(pilot)
        assert "Not a usable calendar file: Line" in screen_text(app)
        dialog.query_one("#path", Input).value = str(partner)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "3 new" in text and "Elterncafé" in text and "Frühlingsfest" in text
        assert dialog.query_one("#plan", DataTable).row_count == 3
        assert not dialog.query_one("#progress").display  # shown only while work runs
        assert count() == before  # a preview writes nothing
        await click(pilot, "#import")
        await settle(pilot)
        assert not isinstance(app.screen, CalendarImportDialog)
        assert count() > before
        await pilot.press("i")
        await settle(pilot)
        assert "Last import: eltern.ics" in screen_text(app)
        await click(pilot, "#undo")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await click(pilot, "#confirm")
        await settle(pilot)
        assert "is undone" in notices(app)
    assert count() == before


async def test_a_file_with_a_broken_event_imports_the_others(
    sample_context: Context, tmp_path: Path
) -> None:
    """The preview lists the event that cannot be imported first, with its line and reason;
    Import brings in the other two (a series and one changed date of it)."""
    partner = tmp_path / "eltern.ics"
    partner.write_bytes(
        crlf(GOOGLE.replace("DTSTART;VALUE=DATE:20270306", "DTSTART;VALUE=DATE:2027036"))
    )

    def titles() -> set[str]:
        with Session(sample_context.engine) as session:
            return {m.title for m in session.exec(select(Meeting)).all()}

    before = titles()
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_meetings(pilot)
        await pilot.press("i")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CalendarImportDialog)
        await pilot.press(*str(partner), "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "1 event cannot be imported" in text and "line 65" in text
        assert "is not a valid date or time" in text and "2 new" in text
        table = dialog.query_one("#plan", DataTable)
        assert str(table.get_row_at(0)[0]) == "cannot be imported"
        await click(pilot, "#import")
        await settle(pilot)
        assert not isinstance(app.screen, CalendarImportDialog), screen_text(app)
    assert titles() - before == {"Elterncafé", "Elterncafé (später)"}


async def test_meeting_invitation_file(sample_context: Context, tmp_path: Path) -> None:
    app = CoordinatorApp(sample_context)
    target = tmp_path / "invite.ics"
    async with app.run_test(size=(120, 45)) as pilot:
        await open_meetings(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)
        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, MeetingCalendarDialog)
        dialog.query_one("#path", Input).value = str(target)
        await click(pilot, "#write")
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)
        assert "Written to" in notices(app)
    files = sorted(tmp_path.glob("invite*.ics"))
    assert files
    for path in files:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        assert calendar["METHOD"] == "REQUEST" and calendar.walk("VEVENT")[0].get("ATTENDEE")
