"""What the coordinator sees first: next meetings, tasks that are due, partners to call,
and open date polls. One read in portable SQL (storage/rows.py), plain objects out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from coordinator.meetings.schedule import Occurrence, RowSource, occurrences
from storage.enums import Membership, PollStatus, TaskStatus
from storage.rows import Rows, day, utc

# Not imported from coordinator.minutes.tasks: the dashboard is read before SQLAlchemy loads.
OPEN_TASK_STATES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)
DEFAULT_FOLLOWUP_WEEKS = 8
NEXT_MEETING_DAYS = 60


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


_TASK_LINES = """
SELECT t.id, t.title, t.due_on, t.status, p.given_name, p.family_name, o.name
FROM task t
LEFT JOIN person p ON p.id = t.owner_person_id
LEFT JOIN organisation o ON o.id = t.owner_organisation_id
WHERE t.status = :state AND t.due_on >= :first AND t.due_on <= :last
ORDER BY t.due_on, t.id
LIMIT :limit
"""
_TASK_COUNT = (
    "SELECT COUNT(*) FROM task WHERE status IN (:states) AND due_on >= :first AND due_on <= :last"
)


def due_tasks(rows: Rows, first: date, last: date, *, limit: int) -> tuple[list[TaskLine], int]:
    """Open and in-progress tasks due between ``first`` and ``last`` (inclusive), earliest
    first. One query per state, so each reads the (status, due_on) index in order."""
    params = {"states": list(OPEN_TASK_STATES), "first": first, "last": last, "limit": limit}
    count = rows.scalar(_TASK_COUNT, params)
    lines = [
        TaskLine(
            tid,
            title,
            day(due),
            TaskStatus(status),
            " ".join(p for p in (given, family) if p) or org or "",
        )
        for state in OPEN_TASK_STATES
        for tid, title, due, status, given, family, org in rows.all(
            _TASK_LINES, {**params, "state": state}
        )
    ]
    lines.sort(key=lambda line: (line.due_on or date.max, line.id))
    return lines[:limit], int(count or 0)


def followups(
    rows: Rows, now: datetime, *, weeks: int = DEFAULT_FOLLOWUP_WEEKS, limit: int = 20
) -> tuple[list[FollowUp], int]:
    """Partners not contacted within ``weeks``: those never contacted first (longest in the
    register first), then the longest ago. Each query reads the last_contact_at index."""
    params = {"cutoff": now - timedelta(weeks=weeks), "former": Membership.FORMER, "limit": limit}
    tables = (
        ("organisation", "name", "membership != :former"),
        ("person", "given_name, family_name", "erased_at IS NULL"),
    )
    never: list[FollowUp] = []
    long_ago: list[FollowUp] = []
    count = 0
    for table, name_columns, alive in tables:
        kind = table
        count += rows.scalar(
            f"SELECT COUNT(*) FROM {table} WHERE {alive} "
            "AND (last_contact_at IS NULL OR last_contact_at < :cutoff)",
            params,
        )
        for found, condition, order in (
            (never, "last_contact_at IS NULL", "id"),
            (long_ago, "last_contact_at < :cutoff", "last_contact_at, id"),
        ):
            for row in rows.all(
                f"SELECT id, {name_columns}, last_contact_at FROM {table} "
                f"WHERE {alive} AND {condition} ORDER BY {order} LIMIT :limit",
                params,
            ):
                name = " ".join(part for part in row[1:-1] if part)
                found.append(FollowUp(kind, row[0], name, utc(row[-1])))
    long_ago.sort(key=lambda f: (f.last_contact_at or now, f.name))
    return (never + long_ago)[:limit], int(count or 0)


_OPEN_POLLS = """
SELECT d.id, m.id, m.title,
       (SELECT COUNT(*) FROM poll_slot s WHERE s.poll_id = d.id),
       (SELECT COUNT(DISTINCT v.person_id) FROM poll_vote v
          JOIN poll_slot s ON s.id = v.slot_id WHERE s.poll_id = d.id),
       (SELECT MIN(s.starts_at) FROM poll_slot s WHERE s.poll_id = d.id)
FROM date_poll d JOIN meeting m ON m.id = d.meeting_id
WHERE d.status = :open
ORDER BY d.created_at, d.id
LIMIT :limit
"""


def open_polls(rows: Rows, *, limit: int = 10) -> list[PollLine]:
    return [
        PollLine(pid, mid, title, slots or 0, voters or 0, utc(first))
        for pid, mid, title, slots, voters, first in rows.all(
            _OPEN_POLLS, {"open": PollStatus.OPEN, "limit": limit}
        )
    ]


def load(source: RowSource, now: datetime, *, rows: int = 8) -> Dashboard:
    today = now.astimezone().date()  # the local date (at midnight UTC and local ones differ)
    with source.rows() as reader:
        upcoming = occurrences(reader, now, now + timedelta(days=NEXT_MEETING_DAYS), limit=rows)
        overdue, overdue_count = due_tasks(reader, date.min, today - timedelta(days=1), limit=rows)
        week, week_count = due_tasks(reader, today, end_of_week(today), limit=rows)
        heads, followup_count = followups(reader, now, limit=rows)
        polls = open_polls(reader, limit=rows)
    return Dashboard(
        upcoming, overdue, overdue_count, week, week_count, heads, followup_count, polls
    )
