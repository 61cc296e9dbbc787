"""What the minutes screen shows: attendance, agenda items with notes, decisions, action
items and the approval state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine
from sqlmodel import col, select

from storage.enums import AttendanceStatus, DecisionKind, MinutesStatus, TaskStatus
from storage.models import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Minutes,
    Organisation,
    Person,
    Task,
)
from storage.uow import reading


@dataclass(frozen=True)
class MinutesView:
    meeting_id: int
    title: str
    status: MinutesStatus
    attendance: list[tuple[int, str, AttendanceStatus]]  # attendance row id, name, status
    items: list[tuple[int, str, str]]  # agenda item id, title, notes
    decisions: list[tuple[int, DecisionKind, str, str]]  # id, kind, text, agenda item's title
    actions: list[
        tuple[int, str, str, date | None, TaskStatus]
    ]  # task id, title, owner, due, status
    version: int = 1  # of the minutes as read: an edit based on this view checks it
    starts_at: datetime | None = None  # the meeting's start (UTC), shown in its zone
    timezone: str = "Europe/Berlin"
    all_day: bool = False
    minute_taker: str = ""  # who takes the minutes ("" when nobody is named yet)
    expected: frozenset[int] = frozenset()  # attendance rows taken from answers, unconfirmed


def minutes_view(engine: Engine, meeting_id: int) -> MinutesView:
    with reading(engine) as session:
        meeting = session.get(Meeting, meeting_id)
        minutes = session.exec(select(Minutes).where(Minutes.meeting_id == meeting_id)).first()
        if meeting is None or minutes is None:
            raise LookupError(meeting_id)
        attendance = session.exec(
            select(Attendance, Person.given_name, Person.family_name)
            .join(Person, col(Person.id) == col(Attendance.person_id), isouter=True)
            .where(Attendance.minutes_id == minutes.id)
            .order_by(col(Person.sort_name), col(Attendance.id))
        ).all()
        items = session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(col(AgendaItem.position))
        ).all()
        decisions = session.exec(
            select(Decision).where(Decision.meeting_id == meeting_id).order_by(col(Decision.id))
        ).all()
        actions = session.exec(
            select(Task, Person.given_name, Person.family_name, Organisation.name)
            .join(Person, col(Person.id) == col(Task.owner_person_id), isouter=True)
            .join(
                Organisation, col(Organisation.id) == col(Task.owner_organisation_id), isouter=True
            )
            .where(Task.meeting_id == meeting_id)
            .order_by(col(Task.id))
        ).all()
        item_titles = {i.id: i.title for i in items}
        taker = session.get(Person, minutes.minute_taker_id) if minutes.minute_taker_id else None
        return MinutesView(
            meeting_id, meeting.title, minutes.status,
            [(a.id or 0, f"{g or ''} {f or ''}".strip() or a.guest_name, a.status) for a, g, f in attendance],
            [(i.id or 0, i.title, i.minutes_text) for i in items],
            [(d.id or 0, d.kind, d.text, item_titles.get(d.agenda_item_id, "")) for d in decisions],
            [(t.id or 0, t.title, f"{g or ''} {f or ''}".strip() or (o or ""), t.due_on, t.status) for t, g, f, o in actions],
            minutes.version, meeting.starts_at, meeting.timezone, meeting.all_day,
            f"{taker.given_name} {taker.family_name}".strip() if taker else "",
            frozenset(a.id or 0 for a, _g, _f in attendance if a.expected),
        )  # fmt: skip
