"""Answers per date of a series (issue 18): a "no" for one date is recorded for that date
only, the series' answer stays the default for the others; invitation files carry it as
that date's PARTSTAT (RECURRENCE-ID), and a partner's reply for one date is recorded so."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar
from sqlalchemy import Engine
from sqlmodel import select

from coordinator.calendar import import_undo, importing, itip, parsing
from coordinator.calendar.import_plan import REPLY, UNCHANGED
from coordinator.context import Context
from coordinator.meetings import invitations, meetings
from coordinator.meetings.meetings import MeetingInput
from coordinator.meetings.overview import meeting_view
from coordinator.register import people
from coordinator.register.people import PersonInput
from storage.enums import Rsvp
from storage.models import Invitation, Meeting
from storage.uow import reading
from tests.conftest import FROZEN_NOW
from tests.fixtures.ics_clients import crlf

SECOND = datetime(2027, 3, 9, 17, tzinfo=UTC)  # 18:00 in Berlin, the series' second Tuesday
THIRD = datetime(2027, 3, 16, 17, tzinfo=UTC)


def _series(engine: Engine) -> tuple[int, int, int]:
    organiser = people.create_person(engine, PersonInput("Olga", "Orga", "olga@example.org"))
    ada = people.create_person(engine, PersonInput("Ada", "Arslan", "ada@example.org"))
    series = meetings.create_meeting(
        engine,
        MeetingInput(
            title="Sprechstunde", day="2027-03-02", start="18:00", end="19:00",
            repeat="weekly", count="4", organiser="olga@example.org",
        ),
    )  # fmt: skip
    invitations.invite_people(engine, series, [ada])
    invitations.set_rsvp(engine, series, ada, Rsvp.ACCEPTED)
    assert organiser
    return series, ada, meetings.occurrence(engine, series, SECOND)


def _answer(engine: Engine, meeting_id: int, person_id: int) -> tuple[Rsvp, bool]:
    view = meeting_view(engine, Context(engine=engine), meeting_id)
    invitee = next(i for i in view.invitees if i.person_id == person_id)
    return invitee.rsvp, invitee.own_date


def test_a_no_for_one_date_leaves_the_series_answer_for_the_others(engine: Engine) -> None:
    series, ada, second = _series(engine)
    third = meetings.occurrence(engine, series, THIRD)
    invitations.set_rsvp(engine, second, ada, Rsvp.DECLINED)
    assert _answer(engine, second, ada) == (Rsvp.DECLINED, True)
    assert _answer(engine, third, ada) == (Rsvp.ACCEPTED, False)  # the series' answer
    assert _answer(engine, series, ada) == (Rsvp.ACCEPTED, False)
    # "maybe, every date" from the second date: the series answer, the date follows it
    invitations.set_series_rsvp(engine, second, ada, Rsvp.TENTATIVE)
    assert _answer(engine, second, ada) == (Rsvp.TENTATIVE, False)
    assert _answer(engine, series, ada) == (Rsvp.TENTATIVE, False)


def test_the_series_invitation_file_carries_a_dates_own_answer(engine: Engine) -> None:
    series, ada, second = _series(engine)
    invitations.set_rsvp(engine, second, ada, Rsvp.DECLINED)
    calendar = icalendar.Calendar.from_ical(itip.invitation(engine, series, "de", FROZEN_NOW))
    events = list(calendar.walk("VEVENT"))
    master = next(e for e in events if "RECURRENCE-ID" not in e)
    date = next(e for e in events if "RECURRENCE-ID" in e)
    assert date.decoded("RECURRENCE-ID").astimezone(UTC) == SECOND
    assert "PARTSTAT=ACCEPTED" in master.to_ical().decode()
    assert "PARTSTAT=DECLINED" in date.to_ical().decode()
    one_date = itip.invitation(engine, second, "de", FROZEN_NOW).replace("\r\n ", "")
    assert "PARTSTAT=DECLINED" in one_date and "PARTSTAT=ACCEPTED" not in one_date  # its own


def _reply(series_uid: str, partstat: str, stamp: str = "20261201T100000Z") -> bytes:
    return crlf(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Partner//EN\nMETHOD:REPLY\n"
        f"BEGIN:VEVENT\nUID:{series_uid}\nDTSTAMP:{stamp}\n"
        "RECURRENCE-ID;TZID=Europe/Berlin:20270316T180000\n"
        "DTSTART;TZID=Europe/Berlin:20270316T180000\n"
        "ORGANIZER:mailto:olga@example.org\n"
        f"ATTENDEE;PARTSTAT={partstat}:mailto:ada@example.org\nEND:VEVENT\nEND:VCALENDAR\n"
    )


def test_a_reply_for_one_date_is_recorded_for_that_date(engine: Engine) -> None:
    series, ada, _second = _series(engine)
    with reading(engine) as session:
        uid = session.get(Meeting, series).uid  # type: ignore[union-attr]
    plan = importing.apply(
        engine, parsing.read_calendar(_reply(uid, "DECLINED")), "reply.ics", now=FROZEN_NOW
    )
    assert [r.action for r in plan.rows] == [REPLY]
    third = meetings.occurrence(engine, series, THIRD)  # the row the reply made
    assert _answer(engine, third, ada) == (Rsvp.DECLINED, True)
    assert _answer(engine, series, ada) == (Rsvp.ACCEPTED, False)
    again = importing.apply(
        engine, parsing.read_calendar(_reply(uid, "DECLINED")), "reply.ics", now=FROZEN_NOW
    )
    assert [r.action for r in again.rows] == [UNCHANGED]
    import_undo.undo_last_import(engine)  # (the unchanged one: nothing to take back)


def test_undoing_a_date_reply_takes_the_answer_back(engine: Engine) -> None:
    series, _ada, _second = _series(engine)
    with reading(engine) as session:
        uid = session.get(Meeting, series).uid  # type: ignore[union-attr]
    importing.apply(
        engine, parsing.read_calendar(_reply(uid, "DECLINED")), "reply.ics", now=FROZEN_NOW
    )
    import_undo.undo_last_import(engine)
    with reading(engine) as session:
        dated = session.exec(
            select(Invitation)
            .join(Meeting, Meeting.id == Invitation.meeting_id)  # type: ignore[arg-type]
            .where(Meeting.series_id == series)
        ).all()
    assert dated == []
