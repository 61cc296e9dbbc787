"""Finding any record by a few words (the command palette): people, organisations, meetings,
tasks and decisions, case and accents ignored, every word must match.

People, organisations and tasks are matched in the database on their folded ``search_text``
(as the register and the task list search); meeting titles and decision texts are folded
here, a series once (its next date, or its last if it is over).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import Engine
from sqlmodel import col, select

from coordinator.labels import format_date, format_datetime, label
from coordinator.meetings.recurrence import iter_occurrences, zone
from storage.enums import TaskStatus
from storage.models import Decision, Meeting, Organisation, Person, Task
from storage.search import fold, like_pattern
from storage.uow import reading

Kind = Literal["person", "organisation", "meeting", "task", "decision"]


@dataclass(frozen=True)
class Found:
    kind: Kind
    id: int
    title: str
    detail: str  # what tells two of the same name apart: a city, a date, a status
    # a series' coming date (``id`` is the series): opened as that occurrence
    occurrence: datetime | None = None


def find_records(engine: Engine, text: str, now: datetime, *, each: int = 5) -> list[Found]:
    """Up to ``each`` records of every kind whose text holds every word of ``text``."""
    words = [fold(w) for w in text.split()]
    if not words:
        return []
    found: list[Found] = []
    with reading(engine) as session:
        people = session.exec(
            select(Person.id, Person.given_name, Person.family_name, Person.email)
            .where(*[col(Person.search_text).like(like_pattern(w), escape="\\") for w in words])
            .order_by(col(Person.sort_name))
            .limit(each)
        ).all()
        found += [
            Found("person", pid or 0, f"{given} {family}".strip(), email or "")
            for pid, given, family, email in people
        ]
        organisations = session.exec(
            select(Organisation.id, Organisation.name, Organisation.city)
            .where(
                *[col(Organisation.search_text).like(like_pattern(w), escape="\\") for w in words]
            )
            .order_by(col(Organisation.sort_name))
            .limit(each)
        ).all()
        found += [Found("organisation", oid or 0, name, city) for oid, name, city in organisations]
        found += _meetings(session, words, now, each)
        done = col(Task.status).in_((TaskStatus.DONE, TaskStatus.DROPPED))
        tasks = session.exec(
            select(Task.id, Task.title, Task.status, Task.due_on)
            .where(*[col(Task.search_text).like(like_pattern(w), escape="\\") for w in words])
            .order_by(done, col(Task.due_on), col(Task.id))
            .limit(each)
        ).all()
        found += [
            Found("task", tid or 0, title, f"{label(status)} · {format_date(due)}")
            for tid, title, status, due in tasks
        ]
        decisions = session.exec(
            select(Decision.id, Decision.text, Decision.decided_on, Decision.status).order_by(
                col(Decision.decided_on).desc()
            )
        ).all()
        found += [
            Found("decision", did or 0, text_, f"{format_date(day)} · {label(status)}")
            for did, text_, day, status in decisions
            if all(w in fold(text_) for w in words)
        ][:each]
    return found


def _meetings(session: object, words: list[str], now: datetime, each: int) -> list[Found]:
    """A single meeting as it is; a series once, at its next date (opened as that
    occurrence), or at its last meeting once it is over."""
    rows = session.exec(  # type: ignore[attr-defined]
        select(
            Meeting.id, Meeting.title, Meeting.starts_at, Meeting.timezone, Meeting.series_id,
            Meeting.rrule, Meeting.recurrence_ends_at, Meeting.all_day,
        ).order_by(col(Meeting.starts_at))
    ).all()  # fmt: skip
    latest: dict[int, tuple[int, str, datetime, str, bool]] = {}
    upcoming: dict[int, tuple[datetime, str]] = {}
    for mid, title, starts_at, tz, series_id, rule, ends, all_day in rows:
        if not all(w in fold(title) for w in words):
            continue
        key = series_id or mid
        latest[key] = (mid, title, starts_at, tz, all_day)  # rows come in time order
        if rule and series_id is None and key not in upcoming:
            following = next(
                iter_occurrences(
                    rule, starts_at, tz, now, now + timedelta(days=3 * 366), last=ends
                ),
                None,
            )
            if following is not None:
                upcoming[key] = (following, title)
    found: list[tuple[datetime, Found]] = []
    for key, (mid, title, start, tz, all_day) in latest.items():
        when: datetime | None = None
        if key in upcoming:
            start, title = upcoming[key]
            mid, when = key, start
        local = start.astimezone(zone(tz))
        shown = format_date(local.date()) if all_day else format_datetime(local)
        found.append((start, Found("meeting", mid, title, shown, when)))
    # the coming ones first, the nearest first; then the past ones, the latest first
    found.sort(key=lambda f: (f[0] < now, abs((f[0] - now).total_seconds())))
    return [f for _start, f in found[:each]]
