"""What the coordinator sees first: next meetings, tasks that are due, partners to call,
and open date polls. One read, plain objects out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from coordinator.schedule import Occurrence, occurrences
from storage.models import DatePoll, Meeting, Organisation, Person, PollSlot, PollVote, Task
from storage.models.enums import Membership, PollStatus, TaskStatus
from storage.uow import reading

OPEN_TASK_STATES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)
DEFAULT_FOLLOWUP_WEEKS = 8


@dataclass(frozen=True)
class TaskLine:
    id: int
    title: str
    due_on: date | None
    status: TaskStatus
    owner: str


@dataclass(frozen=True)
class FollowUp:
    kind: str  # "organisation" or "person"
    id: int
    name: str
    last_contact_at: datetime | None


@dataclass(frozen=True)
class PollLine:
    poll_id: int
    meeting_id: int
    title: str
    slots: int
    respondents: int
    first_slot: datetime | None


@dataclass(frozen=True)
class Dashboard:
    next_meetings: list[Occurrence]
    overdue: list[TaskLine]
    overdue_count: int
    due_this_week: list[TaskLine]
    due_this_week_count: int
    followups: list[FollowUp]
    followup_count: int
    open_polls: list[PollLine]


def end_of_week(today: date) -> date:
    """The last day of "this week" as the coordinator means it: the coming seven days."""
    return today + timedelta(days=6)


def _task_lines(session: Session, condition: list, limit: int) -> tuple[list[TaskLine], int]:
    base = [col(Task.status).in_(OPEN_TASK_STATES), *condition]
    count = session.exec(select(func.count()).select_from(Task).where(*base)).one()
    rows = session.exec(
        select(Task, Person.given_name, Person.family_name, Organisation.name)
        .where(*base)
        .join(Person, col(Task.owner_person_id) == col(Person.id), isouter=True)
        .join(Organisation, col(Task.owner_organisation_id) == col(Organisation.id), isouter=True)
        .order_by(col(Task.due_on), col(Task.id))
        .limit(limit)
    ).all()
    lines = []
    for task, given, family, org_name in rows:
        owner = " ".join(p for p in (given, family) if p) or org_name or ""
        assert task.id is not None
        lines.append(TaskLine(task.id, task.title, task.due_on, task.status, owner))
    return lines, count


def followups(
    session: Session, now: datetime, *, weeks: int = DEFAULT_FOLLOWUP_WEEKS, limit: int = 20
) -> tuple[list[FollowUp], int]:
    """Partners not contacted within ``weeks`` (never contacted first), oldest first."""
    cutoff = now - timedelta(weeks=weeks)
    org_due = [
        Organisation.membership != Membership.FORMER,
        col(Organisation.last_contact_at).is_(None) | (col(Organisation.last_contact_at) < cutoff),
    ]
    person_due = [
        col(Person.erased_at).is_(None),
        col(Person.last_contact_at).is_(None) | (col(Person.last_contact_at) < cutoff),
    ]
    count = session.exec(select(func.count()).select_from(Organisation).where(*org_due)).one()
    count += session.exec(select(func.count()).select_from(Person).where(*person_due)).one()
    orgs = session.exec(
        select(Organisation.id, Organisation.name, Organisation.last_contact_at)
        .where(*org_due)
        .order_by(col(Organisation.last_contact_at).asc().nulls_first(), col(Organisation.name))
        .limit(limit)
    ).all()
    people = session.exec(
        select(Person.id, Person.given_name, Person.family_name, Person.last_contact_at)
        .where(*person_due)
        .order_by(col(Person.last_contact_at).asc().nulls_first(), col(Person.family_name))
        .limit(limit)
    ).all()
    found = [FollowUp("organisation", oid, name, last) for oid, name, last in orgs]
    found += [
        FollowUp("person", pid, f"{given} {family}".strip(), last)
        for pid, given, family, last in people
    ]
    found.sort(key=lambda f: (f.last_contact_at is not None, f.last_contact_at or now, f.name))
    return found[:limit], count


def open_polls(session: Session, *, limit: int = 10) -> list[PollLine]:
    slot_counts = (
        select(
            PollSlot.poll_id,
            func.count().label("slots"),
            func.min(PollSlot.starts_at).label("first"),
        )
        .group_by(PollSlot.poll_id)
        .subquery()
    )
    voters = (
        select(PollSlot.poll_id, func.count(func.distinct(PollVote.person_id)).label("voters"))
        .join(PollVote, col(PollVote.slot_id) == col(PollSlot.id))
        .group_by(PollSlot.poll_id)
        .subquery()
    )
    rows = session.exec(
        select(
            DatePoll.id,
            Meeting.id,
            Meeting.title,
            slot_counts.c.slots,
            voters.c.voters,
            slot_counts.c.first,
        )
        .join(Meeting, col(Meeting.id) == col(DatePoll.meeting_id))
        .join(slot_counts, slot_counts.c.poll_id == col(DatePoll.id), isouter=True)
        .join(voters, voters.c.poll_id == col(DatePoll.id), isouter=True)
        .where(DatePoll.status == PollStatus.OPEN)
        .order_by(col(DatePoll.created_at))
        .limit(limit)
    ).all()
    from storage.types import UTCDateTime

    to_utc = UTCDateTime().process_result_value
    return [
        PollLine(
            pid,
            mid,
            title,
            slots or 0,
            voters or 0,
            to_utc(first, session.get_bind().dialect) if first else None,
        )
        for pid, mid, title, slots, voters, first in rows
    ]


def load(engine: Engine, now: datetime, *, rows: int = 6) -> Dashboard:
    today = now.date()
    with reading(engine) as session:
        upcoming = occurrences(session, now, now + timedelta(days=60), limit=rows)
        overdue, overdue_count = _task_lines(session, [col(Task.due_on) < today], rows)
        week, week_count = _task_lines(
            session, [col(Task.due_on) >= today, col(Task.due_on) <= end_of_week(today)], rows
        )
        heads, followup_count = followups(session, now, limit=rows)
        polls = open_polls(session, limit=rows)
    return Dashboard(
        upcoming, overdue, overdue_count, week, week_count, heads, followup_count, polls
    )
