"""Meetings as iCalendar events: read from the rows in bulk (no ORM objects: a feed of
10,000 meetings is written in a fraction of a second) and written as VEVENT lines with their
time zones, attendees and reminders. The feeds and the iTIP messages (invitations,
cancellations, date-poll holds) are built from these.

Lines are built from the rows directly (icalendar's object model needs seconds for a
10,000-meeting feed; see docs/0003-icalendar.md); the tests parse every file with icalendar.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Union

from coordinator.calendar.timezones import vtimezone
from coordinator.calendar.writing import CRLF, fold, param, prop, text
from coordinator.meetings.recurrence import zone
from storage.enums import MeetingStatus, Rsvp
from storage.rows import AlchemyRows, Rows, SqliteRows, utc

if TYPE_CHECKING:
    from sqlalchemy import Engine

PRODID = "-//coordinator//Network coordinator//EN"
PARTSTAT = {
    Rsvp.NO_REPLY: "NEEDS-ACTION",
    Rsvp.ACCEPTED: "ACCEPTED",
    Rsvp.TENTATIVE: "TENTATIVE",
    Rsvp.DECLINED: "DECLINED",
}
STATUS = {
    MeetingStatus.PLANNED: "TENTATIVE",
    MeetingStatus.CONFIRMED: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}


@dataclass(frozen=True)
class CalendarFilter:
    """Which meetings a feed holds (all when empty). Dates are local days, inclusive."""

    series_id: int | None = None
    organisation_id: int | None = None
    start: date | None = None
    end: date | None = None


@dataclass(slots=True)
class Participant:
    name: str
    email: str
    language: str
    lines: dict[str, str] = field(default_factory=dict)  # ATTENDEE line by PARTSTAT

    def attendee(self, rsvp: str) -> str:
        """The person's ATTENDEE line, built once per answer (people attend many meetings)."""
        line = self.lines.get(rsvp)
        if line is None:
            line = self.lines[rsvp] = fold(
                f"ATTENDEE;CN={param(self.name)};CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;"
                f"PARTSTAT={PARTSTAT[rsvp]};RSVP=TRUE:mailto:{self.email}"  # type: ignore[index]
            )
        return line


@dataclass
class Event:
    id: int
    uid: str
    sequence: int
    title: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    timezone: str
    location: str
    online_url: str
    status: MeetingStatus
    rrule: str
    notes: str
    created_at: datetime
    updated_at: datetime
    organiser_id: int | None
    series_id: int | None
    recurrence_id: datetime | None
    language: str
    exdates: list[datetime] = field(default_factory=list)
    overrides: list[Event] = field(default_factory=list)


COLUMNS = (
    "id, uid, sequence, title, starts_at, ends_at, all_day, timezone, location, online_url, "
    "status, rrule, notes, created_at, updated_at, organiser_id, series_id, recurrence_id, "
    "language"
)  # in Event's order


# --- values --------------------------------------------------------------------------------


def stamp_text(moment: datetime) -> str:
    return "%04d%02d%02dT%02d%02d%02d" % (  # noqa: UP031  (3x faster than strftime)
        moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second,
    )  # fmt: skip


def utc_text(moment: datetime) -> str:
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return stamp_text(moment) + "Z"


def _local(moment: datetime, tz: str) -> str:
    return stamp_text(moment.astimezone(zone(tz)))


def time_prop(name: str, moment: datetime, event: Event, tz: str | None = None) -> str:
    """DTSTART and friends: a DATE for all-day meetings, local time with TZID, or UTC."""
    tz = tz or event.timezone
    if event.all_day:
        return f"{name};VALUE=DATE:{moment.astimezone(zone(tz)):%Y%m%d}"
    if tz == "UTC":
        return f"{name}:{utc_text(moment)}"
    return fold(f"{name};TZID={param(tz)}:{_local(moment, tz)}")


def times_prop(name: str, moments: Sequence[datetime], event: Event) -> str:
    if event.all_day:
        values = ",".join(f"{m.astimezone(zone(event.timezone)):%Y%m%d}" for m in moments)
        return prop(name, values, [("VALUE", "DATE")])
    if event.timezone == "UTC":
        return prop(name, ",".join(utc_text(m) for m in moments))
    values = ",".join(_local(m, event.timezone) for m in moments)
    return prop(name, values, [("TZID", event.timezone)])


def rrule_text(event: Event) -> str:
    """The stored rule, with UNTIL as a DATE for all-day series (it must match DTSTART)."""
    if not event.all_day or "UNTIL=" not in event.rrule:
        return event.rrule
    parts = []
    for part in event.rrule.split(";"):
        if part.upper().startswith("UNTIL=") and "T" in part:
            until = datetime.strptime(part[6:21], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
            part = f"UNTIL={until.astimezone(zone(event.timezone)):%Y%m%d}"
        parts.append(part)
    return ";".join(parts)


def mailto(person: Participant) -> str:
    return f"mailto:{person.email}"


# --- reading -------------------------------------------------------------------------------

Source = Union["Engine", Rows]  # an engine, or a plain reader (export-ics on a SQLite file)


@contextmanager
def rows_of(source: Source) -> Iterator[Rows]:
    """Plain SQL rows from an engine's connection, or the reader itself: the export of a
    SQLite file runs on the standard library alone (no SQLAlchemy to load, docs/0002)."""
    if isinstance(source, (SqliteRows, AlchemyRows)):
        yield source
        return
    with source.connect() as connection:  # type: ignore[union-attr]
        yield AlchemyRows(connection)


def _event(row: Sequence[Any]) -> Event:
    (mid, uid, sequence, title, starts, ends, all_day, tz, location, url, status, rule, notes,
     created, updated, organiser, series, recurrence, language) = row  # fmt: skip
    return Event(
        mid, uid, sequence, title, utc(starts), utc(ends), bool(all_day), tz, location or "",  # type: ignore[arg-type]
        url or "", MeetingStatus(status), rule or "", notes or "", utc(created), utc(updated),  # type: ignore[arg-type]
        organiser, series, utc(recurrence), language or "",
    )  # fmt: skip


def load_event(source: Source, meeting_id: int) -> Event | None:
    with rows_of(source) as rows:
        found = rows.all(f"SELECT {COLUMNS} FROM meeting WHERE id = :id", {"id": meeting_id})
    return _event(found[0]) if found else None


def load_rows(source: Source, ids: Iterable[int]) -> list[Event]:
    """The meeting rows ``ids`` as they are (an occurrence row without its series), by start."""
    wanted = list(ids)
    if not wanted:
        return []
    with rows_of(source) as rows:
        found = rows.all(
            f"SELECT {COLUMNS} FROM meeting WHERE id IN (:ids) ORDER BY starts_at", {"ids": wanted}
        )
    return [_event(row) for row in found]


def load_events(source: Source, flt: CalendarFilter | None, ids: Iterable[int] = ()) -> list[Event]:
    """Meetings (masters and single ones) with their occurrence rows attached."""
    wanted = list(ids)
    where, params = ["series_id IS NULL"], {}
    if wanted:
        where.append("id IN (:ids)")
        params["ids"] = wanted
    if flt is not None:
        clauses, values = filtered(flt)
        where += clauses
        params.update(values)
    with rows_of(source) as rows:
        masters = [
            _event(row)
            for row in rows.all(
                f"SELECT {COLUMNS} FROM meeting WHERE {' AND '.join(where)} ORDER BY starts_at",
                params,
            )
        ]
        by_id = {m.id: m for m in masters}
        few = len(by_id) < 500
        occurrences = rows.all(
            f"SELECT {COLUMNS} FROM meeting WHERE series_id IS NOT NULL"
            + (" AND series_id IN (:masters)" if few else "")
            + " ORDER BY recurrence_id",
            {"masters": list(by_id)} if few else {},
        )
    for row in occurrences:
        occurrence = _event(row)
        master = by_id.get(occurrence.series_id or 0)
        if master is None:
            continue
        if occurrence.status == MeetingStatus.CANCELLED:
            master.exdates.append(occurrence.recurrence_id or occurrence.starts_at)
        elif differs(occurrence, master):  # a row made only for an agenda adds nothing
            master.overrides.append(occurrence)
    return masters


def differs(occurrence: Event, master: Event) -> bool:
    """Whether an occurrence row changes what the series' rule says about that date."""
    return (
        occurrence.starts_at != occurrence.recurrence_id
        or occurrence.ends_at - occurrence.starts_at != master.ends_at - master.starts_at
        or (occurrence.title, occurrence.location, occurrence.online_url, occurrence.status)
        != (master.title, master.location, master.online_url, master.status)
        or occurrence.all_day != master.all_day
        or bool(occurrence.notes)
    )


def filtered(flt: CalendarFilter) -> tuple[list[str], dict[str, Any]]:
    """The filter as portable SQL conditions on ``meeting`` and their parameters."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if flt.series_id is not None:
        clauses.append("id = :series")
        params["series"] = flt.series_id
    if flt.start is not None:
        clauses.append(
            "(ends_at >= :first OR (rrule != '' AND "
            "(recurrence_ends_at IS NULL OR recurrence_ends_at >= :first)))"
        )
        params["first"] = datetime.combine(flt.start, datetime.min.time(), zone("Europe/Berlin"))
    if flt.end is not None:
        clauses.append("starts_at < :last")
        params["last"] = datetime.combine(
            flt.end + timedelta(days=1), datetime.min.time(), zone("Europe/Berlin")
        )
    if flt.organisation_id is not None:
        clauses.append(
            "id IN (SELECT invitation.meeting_id FROM invitation JOIN affiliation "
            "ON affiliation.person_id = invitation.person_id "
            "WHERE affiliation.organisation_id = :organisation)"
        )
        params["organisation"] = flt.organisation_id
    return clauses, params


def load_participants(
    source: Source, meeting_ids: list[int]
) -> tuple[dict[int, list], dict[int, Participant]]:
    """Invitees per meeting (person, rsvp) by name, and every person by id (erased people
    are left out). Plain SQL rows: a feed may hold 100,000 invitations."""
    invitees: dict[int, list] = defaultdict(list)
    people: dict[int, Participant] = {}
    wanted = set(meeting_ids)
    few = len(wanted) < 500
    where = " WHERE meeting_id IN (:ids)" if few else ""
    params = {"ids": sorted(wanted)} if few else {}
    invited_sql = (
        f"SELECT meeting_id, person_id, rsvp FROM invitation{where} ORDER BY meeting_id, person_id"
    )
    people_sql = (
        "SELECT id, given_name, family_name, email, preferred_language FROM person "
        "WHERE erased_at IS NULL" + (" AND id IN (:pids)" if few else "")
    )
    with rows_of(source) as rows:
        if few:
            invited = rows.all(invited_sql, params)
            found = rows.all(people_sql, {"pids": sorted({pid for _m, pid, _r in invited})})
        else:  # the whole network: the driver's own cursor, without parameters (portable)
            invited = rows.plain(invited_sql)
            found = rows.plain(people_sql)
    for pid, given, family, email, language in found:
        if email:  # an attendee is an address: people without one cannot be in the file
            people[pid] = Participant(f"{given} {family}".strip(), email, language)
    current, attending = None, []  # rows come by meeting: group without a dict lookup each
    for meeting_id, pid, rsvp in invited:
        if meeting_id != current:
            current, attending = meeting_id, invitees[meeting_id]
        person = people.get(pid)
        if person is not None:
            attending.append((person, rsvp))
    if not few:
        for meeting_id in [m for m in invitees if m not in wanted]:
            del invitees[meeting_id]
    return invitees, people


def load_organisers(source: Source, ids: set[int]) -> dict[int, Participant]:
    if not ids:
        return {}
    with rows_of(source) as rows:
        found = rows.all(
            "SELECT id, given_name, family_name, email, preferred_language FROM person "
            "WHERE id IN (:ids) AND erased_at IS NULL",
            {"ids": sorted(ids)},
        )
    return {pid: Participant(f"{g} {f}".strip(), e, lang) for pid, g, f, e, lang in found}


# --- writing -------------------------------------------------------------------------------


@dataclass
class CalendarWriter:
    stamp: datetime
    reminder_minutes: int | None = None
    lines: list[str] = field(default_factory=list)
    zones: dict[str, int] = field(default_factory=dict)  # TZID -> first year used

    def __post_init__(self) -> None:
        self.dtstamp = f"DTSTAMP:{utc_text(self.stamp)}"

    def use_zone(self, event: Event) -> None:
        if event.timezone != "UTC" and not event.all_day:
            year = event.starts_at.year  # the rules of that year go into the VTIMEZONE
            if year < self.zones.get(event.timezone, 9999):
                self.zones[event.timezone] = year

    def vevent(
        self,
        event: Event,
        *,
        master: Event | None = None,
        organiser: Participant | None = None,
        invitees: Sequence[tuple[Participant, Rsvp]] = (),
        description: str | None = None,
        language: str | None = None,
        status: str | None = None,
        sequence: int | None = None,
    ) -> None:
        self.use_zone(event)
        lines = self.lines
        lines.append("BEGIN:VEVENT")
        lines.append(prop("UID", master.uid if master else event.uid))
        lines.append(self.dtstamp)
        lines.append(f"SEQUENCE:{event.sequence if sequence is None else sequence}")
        if master is not None and event.recurrence_id is not None:
            lines.append(time_prop("RECURRENCE-ID", event.recurrence_id, master))
        lines.append(time_prop("DTSTART", event.starts_at, event))
        lines.append(time_prop("DTEND", event.ends_at, event))
        if event.rrule and master is None:
            lines.append(f"RRULE:{rrule_text(event)}")
            if event.exdates:
                lines.append(times_prop("EXDATE", sorted(event.exdates), event))
        language_param = [("LANGUAGE", language)] if language else []
        lines.append(prop("SUMMARY", text(event.title), language_param))
        if event.location:
            lines.append(prop("LOCATION", text(event.location)))
        if event.online_url:
            lines.append(prop("URL", event.online_url, [("VALUE", "URI")]))
        body = description if description is not None else event.notes
        if body:
            lines.append(prop("DESCRIPTION", text(body), language_param))
        lines.append(f"STATUS:{status or STATUS[event.status]}")
        lines.append("TRANSP:OPAQUE")
        lines.append(f"CREATED:{utc_text(event.created_at)}")
        lines.append(f"LAST-MODIFIED:{utc_text(event.updated_at)}")
        if organiser is not None and organiser.email:
            lines.append(prop("ORGANIZER", mailto(organiser), [("CN", organiser.name)]))
        lines += [  # (the line of a person and answer is made once: looked up inline)
            person.lines.get(rsvp) or person.attendee(rsvp)
            for person, rsvp in invitees
            if person.email
        ]
        if self.reminder_minutes and (status or STATUS[event.status]) != "CANCELLED":
            lines += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                prop("DESCRIPTION", text(event.title)),
                f"TRIGGER:-PT{self.reminder_minutes}M",
                "END:VALARM",
            ]
        lines.append("END:VEVENT")

    def calendar(self, head: Sequence[str]) -> str:
        """The whole file: calendar properties first, then time zones, then the components."""
        zones = [vtimezone(tz, year) for tz, year in sorted(self.zones.items())]
        parts = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            prop("PRODID", PRODID),
            "CALSCALE:GREGORIAN",
            *head,
        ]
        return (
            CRLF.join(parts)
            + CRLF
            + "".join(zones)
            + CRLF.join([*self.lines, "END:VCALENDAR"])
            + CRLF
        )


def network_uid(source: Source) -> str:
    with rows_of(source) as rows:
        found = rows.scalar("SELECT value FROM coordinator_meta WHERE key = 'network_uid'")
    return str(found) if found else "coordinator"


# --- invitations and cancellations --------------------------------------------------------


# --- date polls ------------------------------------------------------------------------------


# --- filters as typed ----------------------------------------------------------------------


# --- the files of one meeting ----------------------------------------------------------------
