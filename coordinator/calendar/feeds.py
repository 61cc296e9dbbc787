"""Calendars to import or subscribe to (METHOD:PUBLISH): all or filtered meetings (series,
organisation, date range) as one file with NAME/X-WR-CALNAME, REFRESH-INTERVAL, a VTIMEZONE
per TZID, recurring meetings as RRULE in local time with EXDATE and overridden occurrences,
optionally attendees, a reminder and the open tasks as VTODO; and the filter as a person
types it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from coordinator.bulk import paused_gc
from coordinator.calendar.events import (
    CalendarFilter,
    CalendarWriter,
    Source,
    load_events,
    load_organisers,
    load_participants,
    network_uid,
    rows_of,
    utc_text,
)
from coordinator.calendar.writing import prop, text
from coordinator.i18n import _
from storage.enums import Priority, TaskStatus
from storage.rows import day, utc

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
    engine: Source,
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
    engine: Source,
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


def _todos(source: Source, writer: CalendarWriter, flt: CalendarFilter | None) -> None:
    sql = (
        "SELECT id, title, notes, status, priority, due_on, created_at, updated_at FROM task "
        "WHERE status IN (:states)"
    )
    params: dict[str, object] = {"states": [TaskStatus.OPEN, TaskStatus.IN_PROGRESS]}
    if flt is not None and flt.series_id is not None:
        sql += (
            " AND meeting_id IN (SELECT id FROM meeting WHERE id = :series OR series_id = :series)"
        )
        params["series"] = flt.series_id
    network = network_uid(source)
    with rows_of(source) as rows:
        found = rows.all(sql + " ORDER BY id", params)
    for tid, title, notes, status, priority, due, created, updated in found:
        lines = [
            "BEGIN:VTODO",
            prop("UID", f"task-{tid}@{network}"),
            f"DTSTAMP:{utc_text(writer.stamp)}",
            prop("SUMMARY", text(title)),
            f"STATUS:{_TODO_STATUS[TaskStatus(status)]}",
            f"PRIORITY:{_PRIORITY[Priority(priority)]}",
            f"CREATED:{utc_text(utc(created))}",  # type: ignore[arg-type]
            f"LAST-MODIFIED:{utc_text(utc(updated))}",  # type: ignore[arg-type]
        ]
        due_on = day(due)
        if due_on is not None:
            lines.append(f"DUE;VALUE=DATE:{due_on:%Y%m%d}")
        if notes:
            lines.append(prop("DESCRIPTION", text(notes)))
        writer.lines += [*lines, "END:VTODO"]


def filter_from_text(
    engine: Source, *, series: str = "", organisation: str = "", start: str = "", end: str = ""
) -> CalendarFilter:
    """A feed filter from what the coordinator typed: a meeting or series ID, an
    organisation (ID or name, case and accents ignored), first and last day."""
    from coordinator.validation import Checker
    from storage.search import fold

    check = Checker()
    series_id = organisation_id = None
    with rows_of(engine) as rows:
        if series.strip():
            if not series.strip().isdigit():
                check.fail("series", _("A meeting ID (a number)."))
            else:
                found = rows.all(
                    "SELECT id, series_id FROM meeting WHERE id = :id", {"id": int(series)}
                )
                if not found:
                    check.fail("series", _("No meeting with ID {id}.").format(id=series.strip()))
                else:
                    series_id = found[0][1] or found[0][0]
        if organisation.strip():
            wanted = organisation.strip()
            if wanted.isdigit():
                known = rows.all("SELECT id FROM organisation WHERE id = :id", {"id": int(wanted)})
                match = [int(wanted)] if known else []
            else:
                match = [
                    oid
                    for oid, name in rows.all("SELECT id, name FROM organisation")
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
