"""Pilot tests of the meeting screens: create a meeting with an agenda, invite an
organisation, record answers, run a date poll and choose a slot, reorder agenda items,
cancel a meeting; bad dates give field errors and save nothing."""

from __future__ import annotations

from sqlmodel import Session, select
from textual.widgets import DataTable, Input

from coordinator.app import CoordinatorApp
from coordinator.context import Context
from screens.dialogs import ConfirmDialog
from screens.meetings.dialogs import AgendaItemDialog, InviteDialog, MeetingForm, PollDialog
from screens.meetings.meeting import MeetingScreen
from screens.meetings.section import MeetingsScreen
from storage.enums import MeetingStatus, PollStatus, Rsvp
from storage.models import AgendaItem, DatePoll, Invitation, Meeting, Person
from tests.ui.helpers import click, open_section, screen_text, settle


async def open_meetings(pilot) -> MeetingsScreen:  # type: ignore[no-untyped-def]
    return await open_section(pilot, "m", MeetingsScreen)


async def fill(pilot, **values: str) -> None:  # type: ignore[no-untyped-def]
    for name, value in values.items():
        pilot.app.screen.query_one(f"#field-{name}", Input).value = value
    await pilot.pause()


async def test_bad_dates_give_field_errors_and_save_nothing(sample_context: Context) -> None:
    with Session(sample_context.engine) as session:
        before = len(session.exec(select(Meeting)).all())
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 45)) as pilot:
        await open_meetings(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, MeetingForm)
        for values, message in (
            ({"title": "Elternabend", "day": "31.02.2027"}, "Not a date"),
            ({"day": "2027-03-04", "start": "19:00", "end": "18:00"}, "ends before it starts"),
            ({"end": "21:00", "timezone": "Europe/Bielefeld"}, "Unknown time zone"),
        ):
            await fill(pilot, **values)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, MeetingForm)
            assert message in screen_text(app)
        await pilot.press("escape")
    with Session(sample_context.engine) as session:
        assert len(session.exec(select(Meeting)).all()) == before


async def test_create_a_meeting_with_agenda_invite_answer_reorder(sample_context: Context) -> None:
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 45)) as pilot:
        await open_meetings(pilot)
        await pilot.press("a")
        await settle(pilot)
        organiser = app.screen.query_one("#field-organiser", Input)
        assert organiser.value == "Miriam Aksoy-Brandt"  # as for the meeting made last
        await pilot.press(*"Eltern")  # typing goes into the first field at once
        assert app.screen.query_one("#field-title", Input).value == "Eltern"
        await fill(pilot, title="Elternabend mehrsprachig", day="04.03.2027", organiser="Niemand")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "No one called “Niemand” in the register." in screen_text(app)
        await fill(
            pilot,
            organiser="miriam.aksoybrandt@example.net",
            title="Elternabend mehrsprachig",
            day="04.03.2027",
            start="18:30",
            end="20:30",
            location="Gesamtschule Heepen",
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        assert "Elternabend mehrsprachig" in screen_text(app)

        for title, minutes in (
            ("Begrüßung", "10"),
            ("Dolmetschen organisieren", "30"),
            ("Verschiedenes", "5"),
        ):
            await pilot.press("a")
            await settle(pilot)
            assert isinstance(app.screen, AgendaItemDialog)
            app.screen.query_one("#item-title", Input).value = title
            app.screen.query_one("#item-minutes", Input).value = minutes
            await pilot.press("enter")
            await settle(pilot)
        agenda_table = screen.query_one("#agenda-table", DataTable)
        assert [str(agenda_table.get_row_at(i)[0]) for i in range(3)] == ["18:30", "18:40", "19:10"]
        agenda_table.focus()
        agenda_table.move_cursor(row=2)
        await pilot.press("ctrl+up")
        await settle(pilot)
        titles = [str(agenda_table.get_row_at(i)[1]) for i in range(3)]
        assert titles == ["Begrüßung", "Verschiedenes", "Dolmetschen organisieren"]

        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, InviteDialog)
        app.screen.query_one("#invite-name", Input).value = "gesamtschule heepen"
        await pilot.press("enter")
        await settle(pilot)
        invitees = screen.query_one("#invitee-table", DataTable)
        assert invitees.row_count == 3
        invitees.focus()
        invitees.move_cursor(row=0)
        await pilot.press("y")
        await settle(pilot)
        invitees.move_cursor(row=1)
        await pilot.press("n")
        await settle(pilot)
        assert "1 accepted · 0 tentative · 1 declined · 1 no reply" in screen_text(app)
        meeting_id = screen.meeting_id
    with Session(sample_context.engine) as session:
        answers = sorted(
            i.rsvp
            for i in session.exec(select(Invitation).where(Invitation.meeting_id == meeting_id))
        )
        assert answers == sorted([Rsvp.ACCEPTED, Rsvp.DECLINED, Rsvp.NO_REPLY])
        organiser = session.get(Person, session.get(Meeting, meeting_id).organiser_id)
        assert organiser is not None and organiser.family_name == "Aksoy-Brandt"
        items = session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position)
        ).all()
        assert [i.title for i in items] == [
            "Begrüßung",
            "Verschiedenes",
            "Dolmetschen organisieren",
        ]


async def test_date_poll_choose_a_slot_then_cancel(sample_context: Context) -> None:
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 50)) as pilot:
        await open_meetings(pilot)
        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, title="Sommerfest planen", day="01.06.2027", start="18:00", end="20:00")
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#invite-name", Input).value = "Circolo Italiano Bielefeld e.V."
        await pilot.press("enter")
        await settle(pilot)

        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PollDialog)
        app.screen.query_one(
            "#slots", Input
        ).value = "02.06.2027 10:00-12:00; 02.06.2027 18:00-20:00; 05.06.2027 11:00-13:00"
        await pilot.press("enter")
        await settle(pilot)
        poll = screen.query_one("#poll-table", DataTable)
        assert poll.row_count == 4  # three invitees and the score line
        poll.focus()
        # everyone can on the evening of 2 June; one says no to the Saturday
        for row in range(3):
            poll.move_cursor(row=row, column=2)
            await pilot.press("y")
            await settle(pilot)
        poll.move_cursor(row=0, column=3)
        await pilot.press("n")
        await settle(pilot)
        assert "3/0/0" in screen_text(app)
        poll.move_cursor(row=0, column=2)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await click(pilot, "#confirm")
        await settle(pilot)
        meeting_id = screen.meeting_id
        with Session(sample_context.engine) as session:
            meeting = session.get(Meeting, meeting_id)
            assert meeting is not None and meeting.status == MeetingStatus.CONFIRMED
            assert meeting.starts_at.hour == 16  # 18:00 in Berlin, summer time
            assert (
                session.exec(select(DatePoll).where(DatePoll.meeting_id == meeting_id)).one().status
                == PollStatus.CLOSED
            )

        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await click(pilot, "#confirm")
        await settle(pilot)
    with Session(sample_context.engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None and meeting.status == MeetingStatus.CANCELLED
        assert all(
            i.needs_update
            for i in session.exec(select(Invitation).where(Invitation.meeting_id == meeting_id))
        )


async def test_opening_an_occurrence_of_a_series_and_the_calendars(sample_context: Context) -> None:
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 45)) as pilot:
        screen = await open_meetings(pilot)
        await pilot.press(
            "enter"
        )  # the first upcoming meeting: an occurrence of the network series
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)
        text = screen_text(app)
        # a date of a series shows the series' rule, in words (issue 18)
        assert "Netzwerktreffen" in text and "Part of a series: every 2 weeks on Tuesday" in text
        assert app.screen.query_one("#invitee-table", DataTable).row_count > 10
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert "November 2026" in screen_text(app)
        await pilot.press("full_stop")
        await settle(pilot)
        assert "December 2026" in screen_text(app)
        await pilot.press("w")
        await settle(pilot)
        assert "Week of" in screen_text(app)
        assert screen is app.screen


async def test_confirm_and_write_the_agenda_files(
    sample_context: Context, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 45)) as pilot:
        await open_meetings(pilot)
        await pilot.press("a")
        await settle(pilot)
        await fill(
            pilot,
            title="Hearing Integrationsrat",
            day="08.04.2027",
            start="17:00",
            end="19:00",
            language="en",
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        meeting_id = screen.meeting_id
    with Session(sample_context.engine) as session:
        assert session.get(Meeting, meeting_id).status == MeetingStatus.CONFIRMED  # type: ignore[union-attr]
    assert (tmp_path / f"agenda-{meeting_id}.html").read_text().startswith("<!DOCTYPE html>")
    assert "Agenda: Hearing Integrationsrat" in (tmp_path / f"agenda-{meeting_id}.md").read_text()
    assert (tmp_path / f"agenda-{meeting_id}.pdf").read_bytes().startswith(b"%PDF-")  # issue 20
