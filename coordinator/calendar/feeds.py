"""Calendars to import or subscribe to (METHOD:PUBLISH): all or filtered meetings (series,
organisation, date range) as one file with NAME/X-WR-CALNAME, REFRESH-INTERVAL, a VTIMEZONE
per TZID, recurring meetings as RRULE in local time with EXDATE and overridden occurrences,
optionally attendees, a reminder and the open tasks as VTODO; and the filter as a person
types it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlmodel import col

from coordinator.bulk import paused_gc
from coordinator.calendar.contentlines import prop, text
from coordinator.calendar.events import (
    CalendarFilter,
    CalendarWriter,
    load_events,
    load_organisers,
    load_participants,
    network_uid,
    utc_text,
)
from coordinator.i18n import _
from storage.enums import Priority, TaskStatus
from storage.models import Meeting, Task
from storage.uow import reading

_TODO_STATUS = {
    TaskStatus.OPEN: "NEEDS-ACTION",
    TaskStatus.IN_PROGRESS: "IN-PROCESS",
    TaskStatus.DONE: "COMPLETED",
    TaskStatus.DROPPED: "CANCELLED",
}


_PRIORITY = {Priority.HIGH: "1", Priority.NORMAL: "5", Priority.LOW: "9"}


@dataclass(frozen=True)
class FeedOptions:
    name: str = "Netzwerk"
    attendees: bool = False  # names and addresses of invitees are personal data: opt in
    reminder_minutes: int | None = None
    tasks: bool = False
    refresh_hours: int = 12


def feed(
    engine: Engine,
    flt: CalendarFilter | None,
    options: FeedOptions,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """A calendar of meetings to import or subscribe to. ``progress`` is called with (done,
    total) meetings as they are written."""
    with paused_gc():
        return _feed(engine, flt, options, now, progress)


def _feed(
    engine: Engine,
    flt: CalendarFilter | None,
    options: FeedOptions,
    now: datetime,
    progress: Callable[[int, int], None] | None,
) -> str:
    events = load_events(engine, flt)
    invitees, _people_by_id = (
        load_participants(engine, [e.id for e in events]) if options.attendees else ({}, {})
    )
    organisers = (
        load_organisers(engine, {e.organiser_id for e in events if e.organiser_id})
        if options.attendees
        else {}
    )
    writer = CalendarWriter(now, options.reminder_minutes)
    for done, event in enumerate(events, start=1):
        organiser = organisers.get(event.organiser_id or 0)
        writer.vevent(event, organiser=organiser, invitees=invitees.get(event.id, ()))
        for override in event.overrides:
            writer.vevent(override, master=event, organiser=organiser)
        if progress is not None and done % 500 == 0:
            progress(done, len(events))
    if options.tasks:
        _todos(engine, writer, flt)
    refresh = f"PT{options.refresh_hours}H"
    head = [
        "METHOD:PUBLISH",
        prop("NAME", text(options.name)),
        prop("X-WR-CALNAME", text(options.name)),
        prop("REFRESH-INTERVAL", refresh, [("VALUE", "DURATION")]),
        f"X-PUBLISHED-TTL:{refresh}",
    ]
    if progress is not None:
        progress(len(events), len(events))
    return writer.calendar(head)


def _todos(engine: Engine, writer: CalendarWriter, flt: CalendarFilter | None) -> None:
    with reading(engine) as session:
        query = select(
            Task.id, Task.title, Task.notes, Task.status, Task.priority, Task.due_on,
            Task.created_at, Task.updated_at,
        ).where(col(Task.status).in_([TaskStatus.OPEN, TaskStatus.IN_PROGRESS]))  # fmt: skip
        if flt is not None and flt.series_id is not None:
            series = select(Meeting.id).where(
                (Meeting.id == flt.series_id) | (Meeting.series_id == flt.series_id)
            )
            query = query.where(col(Task.meeting_id).in_(series))
        network = network_uid(engine)
        for tid, title, notes, status, priority, due, created, updated in session.execute(
            query.order_by(Task.id)
        ):
            lines = [
                "BEGIN:VTODO",
                prop("UID", f"task-{tid}@{network}"),
                f"DTSTAMP:{utc_text(writer.stamp)}",
                prop("SUMMARY", text(title)),
                f"STATUS:{_TODO_STATUS[status]}",
                f"PRIORITY:{_PRIORITY[priority]}",
                f"CREATED:{utc_text(created)}",
                f"LAST-MODIFIED:{utc_text(updated)}",
            ]
            if due is not None:
                lines.append(f"DUE;VALUE=DATE:{due:%Y%m%d}")
            if notes:
                lines.append(prop("DESCRIPTION", text(notes)))
            writer.lines += [*lines, "END:VTODO"]


def filter_from_text(
    engine: Engine, *, series: str = "", organisation: str = "", start: str = "", end: str = ""
) -> CalendarFilter:
    """A feed filter from what the coordinator typed: a meeting or series ID, an
    organisation (ID or name, case and accents ignored), first and last day."""
    from coordinator.validation import Checker
    from storage.models import Organisation
    from storage.search import fold

    check = Checker()
    series_id = organisation_id = None
    if series.strip():
        if not series.strip().isdigit():
            check.fail("series", _("A meeting ID (a number)."))
        else:
            with reading(engine) as session:
                found = session.get(Meeting, int(series))
            if found is None:
                check.fail("series", _("No meeting with ID {id}.").format(id=series.strip()))
            else:
                series_id = found.series_id or found.id
    if organisation.strip():
        wanted = organisation.strip()
        with reading(engine) as session:
            if wanted.isdigit():
                match = [int(wanted)] if session.get(Organisation, int(wanted)) else []
            else:
                match = [
                    oid
                    for oid, name in session.execute(select(Organisation.id, Organisation.name))
                    if fold(name) == fold(wanted)
                ]
        if len(match) != 1:
            check.fail("organisation", _("No single match for “{name}”.").format(name=wanted))
        else:
            organisation_id = match[0]
    first, last = check.date("start", start), check.date("end", end)
    if first and last and last < first:
        check.fail("end", _("The last day is before the first."))
    check.check()
    return CalendarFilter(series_id, organisation_id, first, last)
