"""Everything the meeting screen shows about one meeting: facts, agenda, invitees with their
answers and the conflicts they have, and the date poll with its ranking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import col, select

from coordinator.meetings.agenda import AgendaLine, agenda
from coordinator.meetings.conflicts import busy
from coordinator.meetings.date_poll import PollMatrix, SlotScore, matrix, ranking
from coordinator.meetings.invitations import date_answers
from coordinator.meetings.schedule import RowSource
from storage.enums import MeetingKind, MeetingStatus, Rsvp
from storage.models import DatePoll, Invitation, Meeting, Person
from storage.uow import reading


@dataclass(frozen=True)
class Invitee:
    person_id: int
    name: str
    rsvp: Rsvp
    needs_update: bool
    busy_with: str  # another meeting at the same time, if any
    own_date: bool = False  # a date of a series answered on its own (not the series' answer)


@dataclass(frozen=True)
class MeetingView:
    id: int
    title: str
    kind: MeetingKind
    status: MeetingStatus
    starts_at: datetime
    ends_at: datetime
    timezone: str
    all_day: bool
    location: str
    online_url: str
    rrule: str
    series_id: int | None
    sequence: int
    agenda: list[AgendaLine]
    invitees: list[Invitee]
    poll: PollMatrix | None
    poll_ranking: list[SlotScore]


def meeting_view(engine: Engine, source: RowSource, meeting_id: int) -> MeetingView:
    with reading(engine) as session:
        m = session.get(Meeting, meeting_id)
        if m is None:
            raise LookupError(meeting_id)
        invited_at = m.series_id or meeting_id  # an occurrence shares the series' invitees
        rows = session.exec(
            select(Invitation, Person.given_name, Person.family_name)
            .join(Person, col(Person.id) == col(Invitation.person_id))
            .where(Invitation.meeting_id == invited_at)
            .order_by(col(Person.sort_name))
        ).all()
        poll_id = session.exec(
            select(DatePoll.id)
            .where(DatePoll.meeting_id == meeting_id)
            .order_by(col(DatePoll.id).desc())
        ).first()
        own = date_answers(session, meeting_id) if m.series_id is not None else {}
        rule = m.rrule  # a date of a series shows the series' rule
        if not rule and m.series_id is not None:
            rule = session.exec(select(Meeting.rrule).where(Meeting.id == m.series_id)).one()
    clashes = busy(
        source,
        [inv.person_id for inv, _g, _f in rows],
        m.starts_at,
        m.ends_at,
        ignore_meeting_id=invited_at,
    )
    invitees = [
        Invitee(
            inv.person_id, f"{g} {f}".strip(), own.get(inv.person_id, inv.rsvp), inv.needs_update,
            ", ".join(sorted({o.title for o in clashes.get(inv.person_id, [])})),
            inv.person_id in own,
        )
        for inv, g, f in rows
    ]  # fmt: skip
    poll = matrix(engine, poll_id) if poll_id else None
    return MeetingView(
        m.id or 0, m.title, m.kind, m.status, m.starts_at, m.ends_at, m.timezone, m.all_day, m.location,
        m.online_url, rule, m.series_id, m.sequence, agenda(engine, meeting_id), invitees, poll,
        ranking(engine, source, poll_id) if poll_id else [],
    )  # fmt: skip
