"""Minutes: attendance from the invitees, guests, notes, decisions, action items as tasks;
approval makes them read-only until reopened, and both are recorded."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from coordinator.meetings import agenda, invitations, meetings
from coordinator.meetings.meetings import MeetingInput
from coordinator.minutes import minutes
from coordinator.register import people
from coordinator.register.people import PersonInput
from coordinator.validation import ValidationError
from storage.enums import AttendanceStatus, DecisionKind, Priority, Rsvp
from storage.models import Attendance, Decision, Task


@pytest.fixture
def meeting(engine: Engine) -> tuple[int, list[int]]:
    folks = [
        people.create_person(engine, PersonInput(given_name=g, family_name="Test"))
        for g in ("Ada", "Ben", "Cem")
    ]
    meeting_id = meetings.create_meeting(
        engine, MeetingInput(title="Netzwerktreffen", day="2026-11-17", start="18:00", end="20:00")
    )
    invitations.invite_people(engine, meeting_id, folks)
    invitations.set_rsvp(engine, meeting_id, folks[2], Rsvp.DECLINED)
    return meeting_id, folks


def test_attendance_starts_from_the_invitees(
    engine: Engine, meeting: tuple[int, list[int]]
) -> None:
    meeting_id, folks = meeting
    minutes.start_minutes(engine, meeting_id, minute_taker_id=folks[0])
    minutes.set_attendance(engine, meeting_id, folks[0], AttendanceStatus.PRESENT)
    minutes.add_guest(engine, meeting_id, "Frau Gast vom Quartiersbeirat")
    with Session(engine) as session:
        rows = {(a.person_id, a.guest_name): a.status for a in session.exec(select(Attendance))}
    assert rows == {
        (folks[0], ""): AttendanceStatus.PRESENT,
        (folks[1], ""): AttendanceStatus.ABSENT,
        (folks[2], ""): AttendanceStatus.EXCUSED,  # declined the invitation
        (None, "Frau Gast vom Quartiersbeirat"): AttendanceStatus.PRESENT,
    }


def test_notes_decisions_and_action_items(engine: Engine, meeting: tuple[int, list[int]]) -> None:
    meeting_id, folks = meeting
    item = agenda.add_item(engine, meeting_id, "Sommerfest", minutes=30)
    minutes.start_minutes(engine, meeting_id)
    minutes.set_item_notes(engine, meeting_id, item, "Termin steht, Orga-Team gebildet.")
    decision = minutes.add_decision(
        engine,
        meeting_id,
        "Das Sommerfest findet am 12.06. statt.",
        kind=DecisionKind.MEASURE,
        agenda_item_id=item,
    )
    task = minutes.add_action_item(
        engine,
        meeting_id,
        "Bühne anfragen",
        owner_person_id=folks[1],
        due_on=date(2026, 12, 1),
        priority=Priority.HIGH,
        agenda_item_id=item,
    )
    with Session(engine) as session:
        stored = session.get(Task, task)
        assert stored is not None and (stored.meeting_id, stored.agenda_item_id) == (
            meeting_id,
            item,
        )
        assert session.get(Decision, decision).kind == DecisionKind.MEASURE  # type: ignore[union-attr]
    with pytest.raises(ValidationError):
        minutes.add_action_item(
            engine, meeting_id, "Zwei Besitzer", owner_person_id=folks[0], owner_organisation_id=1
        )
    with pytest.raises(ValidationError):
        minutes.add_decision(engine, meeting_id, "   ")


def test_approved_minutes_are_read_only_until_reopened(
    engine: Engine, meeting: tuple[int, list[int]]
) -> None:
    meeting_id, folks = meeting
    minutes.start_minutes(engine, meeting_id)
    minutes.approve(engine, meeting_id, note="im Folgetreffen")
    with pytest.raises(minutes.MinutesLocked):
        minutes.add_decision(engine, meeting_id, "Noch ein Beschluss")
    with pytest.raises(minutes.MinutesLocked):
        minutes.set_attendance(engine, meeting_id, folks[0], AttendanceStatus.PRESENT)
    with pytest.raises(ValidationError):
        minutes.reopen(engine, meeting_id, reason="")
    minutes.reopen(engine, meeting_id, reason="Tippfehler im Beschluss")
    minutes.add_decision(engine, meeting_id, "Noch ein Beschluss")
    assert [(e.action, e.note) for e in minutes.history(engine, meeting_id)] == [
        ("started", ""), ("approved", "im Folgetreffen"), ("reopened", "Tippfehler im Beschluss"),
    ]  # fmt: skip


def test_minute_taker_can_be_set_until_approval(
    engine: Engine, meeting: tuple[int, list[int]]
) -> None:
    from storage.models import Minutes

    meeting_id, folks = meeting
    minutes.start_minutes(engine, meeting_id)
    minutes.set_minute_taker(engine, meeting_id, folks[1])
    with Session(engine) as session:
        assert session.exec(select(Minutes)).one().minute_taker_id == folks[1]
    minutes.approve(engine, meeting_id)
    with pytest.raises(minutes.MinutesLocked):
        minutes.set_minute_taker(engine, meeting_id, folks[0])


def test_the_minutes_open_with_the_answers_marked_as_expected(
    engine: Engine, meeting: tuple[int, list[int]]
) -> None:
    """Issue 20, "Answers prefill the minutes": accepted = expected present, declined =
    excused, no answer = absent; confirming a line (p/e/a) clears "expected"."""
    from coordinator.minutes.overview import minutes_view

    meeting_id, folks = meeting
    invitations.set_rsvp(engine, meeting_id, folks[0], Rsvp.ACCEPTED)
    minutes.start_minutes(engine, meeting_id)
    with Session(engine) as session:
        rows = {a.person_id: (a.status, a.expected) for a in session.exec(select(Attendance))}
    assert rows == {
        folks[0]: (AttendanceStatus.PRESENT, True),
        folks[1]: (AttendanceStatus.ABSENT, False),
        folks[2]: (AttendanceStatus.EXCUSED, True),
    }
    minutes.set_attendance(engine, meeting_id, folks[0], AttendanceStatus.PRESENT)
    view = minutes_view(engine, meeting_id)
    expected = {name for i, name, _s in view.attendance if i in view.expected}
    assert expected == {"Cem Test"}


def test_a_date_of_a_series_takes_the_answer_given_for_that_date(engine: Engine) -> None:
    from datetime import UTC, datetime

    ada = people.create_person(engine, PersonInput(given_name="Ada", family_name="Reihe"))
    series = meetings.create_meeting(
        engine,
        MeetingInput(title="Sprechstunde", day="2026-12-01", start="17:00", end="18:00",
                     repeat="weekly", count="4"),
    )  # fmt: skip
    invitations.invite_people(engine, series, [ada])
    invitations.set_rsvp(engine, series, ada, Rsvp.ACCEPTED)  # the series: yes
    second = meetings.occurrence(engine, series, datetime(2026, 12, 8, 16, 0, tzinfo=UTC))
    invitations.set_rsvp(engine, second, ada, Rsvp.DECLINED)  # that date: no
    minutes.start_minutes(engine, second)
    with Session(engine) as session:
        (row,) = session.exec(select(Attendance)).all()
    assert (row.status, row.expected) == (AttendanceStatus.EXCUSED, True)
