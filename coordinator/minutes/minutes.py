"""Minutes (Protokoll): who came, notes per agenda item, decisions and action items; approval
makes them read-only until reopened, and both are recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from coordinator.i18n import _
from coordinator.network.concurrency import check, locked
from coordinator.validation import Checker, ValidationError
from storage.enums import (
    AttendanceStatus,
    DecisionKind,
    DecisionStatus,
    MinutesStatus,
    Priority,
    Rsvp,
)
from storage.models import (
    AgendaItem,
    Attendance,
    Decision,
    Invitation,
    Meeting,
    Minutes,
    MinutesEvent,
    Organisation,
    Person,
    Task,
)
from storage.uow import reading, transaction


class MinutesLocked(ValidationError):
    """Approved minutes are read-only until they are reopened."""

    def __init__(self) -> None:
        super().__init__({"minutes": _("The minutes are approved; reopen them to change them.")})


def _minutes(session: Session, meeting_id: int) -> Minutes:
    found = session.exec(select(Minutes).where(Minutes.meeting_id == meeting_id)).first()
    if found is None:
        raise LookupError(meeting_id)
    return found


def _writable(session: Session, meeting_id: int, expected_version: int | None = None) -> Minutes:
    minutes = locked(session, Minutes, _minutes(session, meeting_id).id or 0)
    if minutes.status == MinutesStatus.APPROVED:
        raise MinutesLocked()
    check(session, minutes, expected_version, "minutes", parts=f"meeting:{meeting_id}")
    minutes.updated_at = datetime.now(UTC)
    minutes.version += 1
    return minutes


def start_minutes(engine: Engine, meeting_id: int, *, minute_taker_id: int | None = None) -> int:
    """Open the minutes of a meeting (once): every invitee is on the attendance list as their
    answer says, marked as expected until the minute-taker confirms it: accepted = present,
    declined = excused; no answer or a tentative one = absent until marked otherwise. For a
    date of a series, an answer given for that date counts over the series' answer."""
    with transaction(engine) as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            raise LookupError(meeting_id)
        existing = session.exec(select(Minutes).where(Minutes.meeting_id == meeting_id)).first()
        if existing is not None:
            return existing.id or 0
        minutes = Minutes(meeting_id=meeting_id, minute_taker_id=minute_taker_id)
        session.add(minutes)
        session.flush()
        answers = {
            i.person_id: i.rsvp
            for i in session.exec(
                select(Invitation).where(Invitation.meeting_id == (meeting.series_id or meeting_id))
            )
        }
        if meeting.series_id is not None:  # answers for this date of the series
            answers |= {
                i.person_id: i.rsvp
                for i in session.exec(select(Invitation).where(Invitation.meeting_id == meeting_id))
            }
        for person_id, rsvp in answers.items():
            status = _EXPECTED.get(rsvp)
            session.add(
                Attendance(
                    minutes_id=minutes.id,
                    person_id=person_id,
                    status=status or AttendanceStatus.ABSENT,
                    expected=status is not None,
                )
            )
        session.add(MinutesEvent(minutes_id=minutes.id, action="started"))
        return minutes.id or 0


_EXPECTED = {Rsvp.ACCEPTED: AttendanceStatus.PRESENT, Rsvp.DECLINED: AttendanceStatus.EXCUSED}


def set_attendance(
    engine: Engine, meeting_id: int, person_id: int, status: AttendanceStatus
) -> None:
    with transaction(engine) as session:
        minutes = _writable(session, meeting_id)
        row = session.exec(
            select(Attendance).where(
                Attendance.minutes_id == minutes.id, Attendance.person_id == person_id
            )
        ).first()
        if row is None:
            session.add(Attendance(minutes_id=minutes.id, person_id=person_id, status=status))
        else:
            row.status, row.expected = status, False  # confirmed


def set_minute_taker(engine: Engine, meeting_id: int, person_id: int | None) -> None:
    with transaction(engine) as session:
        minutes = _writable(session, meeting_id)
        if person_id is not None and session.get(Person, person_id) is None:
            raise ValidationError({"minute_taker": _("Unknown person or organisation.")})
        minutes.minute_taker_id = person_id


def set_attendance_row(
    engine: Engine, meeting_id: int, attendance_id: int, status: AttendanceStatus
) -> None:
    """Set the status of one line of the attendance list (an invitee or a guest)."""
    with transaction(engine) as session:
        minutes = _writable(session, meeting_id)
        row = session.get(Attendance, attendance_id)
        if row is None or row.minutes_id != minutes.id:
            raise LookupError(attendance_id)
        row.status, row.expected = status, False  # confirmed


def add_guest(engine: Engine, meeting_id: int, name: str) -> None:
    check = Checker()
    name = check.required("guest", name, max_length=200)
    check.check()
    with transaction(engine) as session:
        minutes = _writable(session, meeting_id)
        session.add(
            Attendance(minutes_id=minutes.id, guest_name=name, status=AttendanceStatus.PRESENT)
        )


def set_item_notes(
    engine: Engine, meeting_id: int, item_id: int, text: str, *,
    expected_version: int | None = None,
) -> None:  # fmt: skip
    """Write what was said on an agenda item; EditConflict when the minutes changed since
    ``expected_version``."""
    with transaction(engine) as session:
        _writable(session, meeting_id, expected_version)
        item = session.get(AgendaItem, item_id)
        if item is None or item.meeting_id != meeting_id:
            raise LookupError(item_id)
        item.minutes_text = text.strip()


def add_decision(
    engine: Engine, meeting_id: int, text: str, *, kind: DecisionKind = DecisionKind.DECISION,
    agenda_item_id: int | None = None, on: date | None = None,
) -> int:  # fmt: skip
    check = Checker()
    text = check.required("text", text, max_length=2000)
    check.check()
    with transaction(engine) as session:
        _writable(session, meeting_id)
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        decision = Decision(
            meeting_id=meeting_id, agenda_item_id=agenda_item_id, kind=kind, text=text,
            decided_on=on or meeting.starts_at.date(),
        )  # fmt: skip
        session.add(decision)
        session.flush()
        return decision.id or 0


def add_action_item(
    engine: Engine, meeting_id: int, title: str, *, owner_person_id: int | None = None,
    owner_organisation_id: int | None = None, due_on: date | None = None, priority: Priority = Priority.NORMAL,
    agenda_item_id: int | None = None,
) -> int:  # fmt: skip
    """An action item of the minutes: a task linked to the meeting and the agenda item."""
    check = Checker()
    title = check.required("title", title, max_length=300)
    if owner_person_id is not None and owner_organisation_id is not None:
        check.fail("owner", _("A task has one owner: a person or an organisation."))
    check.check()
    with transaction(engine) as session:
        _writable(session, meeting_id)
        for model, key in ((Person, owner_person_id), (Organisation, owner_organisation_id)):
            if key is not None and session.get(model, key) is None:
                raise ValidationError({"owner": _("Unknown person or organisation.")})
        task = Task(
            title=title, owner_person_id=owner_person_id, owner_organisation_id=owner_organisation_id,
            due_on=due_on, priority=priority, meeting_id=meeting_id, agenda_item_id=agenda_item_id,
        )  # fmt: skip
        session.add(task)
        session.flush()
        return task.id or 0


def approve(
    engine: Engine, meeting_id: int, *, in_meeting_id: int | None = None, note: str = ""
) -> None:
    """Mark the minutes approved (usually in the following meeting): read-only from now on."""
    with transaction(engine) as session:
        minutes = _minutes(session, meeting_id)
        if minutes.status == MinutesStatus.APPROVED:
            return
        minutes.status = MinutesStatus.APPROVED
        minutes.approved_at = datetime.now(UTC)
        minutes.approved_in_meeting_id = in_meeting_id
        minutes.version += 1
        session.add(MinutesEvent(minutes_id=minutes.id, action="approved", note=note))


def reopen(engine: Engine, meeting_id: int, *, reason: str) -> None:
    """Make approved minutes editable again; the reason is recorded."""
    check = Checker()
    reason = check.required("reason", reason, max_length=500)
    check.check()
    with transaction(engine) as session:
        minutes = _minutes(session, meeting_id)
        if minutes.status != MinutesStatus.APPROVED:
            return
        minutes.status = MinutesStatus.DRAFT
        minutes.approved_at = None
        minutes.version += 1
        session.add(MinutesEvent(minutes_id=minutes.id, action="reopened", note=reason))


def set_decision_status(
    engine: Engine, decision_id: int, status: DecisionStatus, *, replaced_by: int | None = None
) -> None:
    with transaction(engine) as session:
        decision = session.get(Decision, decision_id)
        if decision is None:
            raise LookupError(decision_id)
        decision.status = status
        decision.replaced_by_id = replaced_by if status == DecisionStatus.REPLACED else None


@dataclass(frozen=True)
class MinutesEventLine:
    at: datetime
    action: str
    note: str


def history(engine: Engine, meeting_id: int) -> list[MinutesEventLine]:
    with reading(engine) as session:
        minutes = _minutes(session, meeting_id)
        return [
            MinutesEventLine(e.at, e.action, e.note)
            for e in session.exec(
                select(MinutesEvent)
                .where(MinutesEvent.minutes_id == minutes.id)
                .order_by(col(MinutesEvent.id))
            )
        ]


def minutes_version(engine: Engine, meeting_id: int) -> int:
    """The version a minutes editor remembers when it opens."""
    with reading(engine) as session:
        return _minutes(session, meeting_id).version
