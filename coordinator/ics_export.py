"""Calendar files to send and to subscribe to (RFC 5545, with RFC 5546 methods).

- ``feed``: all or filtered meetings (series, organisation, date range) as one calendar to
  import or subscribe to: NAME/X-WR-CALNAME, REFRESH-INTERVAL, a VTIMEZONE per TZID,
  recurring meetings as RRULE in local time with EXDATE and overridden occurrences,
  optionally attendees, a reminder and the open tasks as VTODO.
- ``invitation``: METHOD:REQUEST for one meeting, with ORGANIZER and one ATTENDEE per
  invitee; the same UID with a higher SEQUENCE is an update.
- ``cancellation``: METHOD:CANCEL for a meeting, a series, or one occurrence (RECURRENCE-ID).
- ``poll_holds`` / ``poll_release``: the candidate slots of a date poll as tentative holds,
  and their cancellation once a date is chosen.

Lines are built from the rows directly (icalendar's object model needs seconds for a
10,000-meeting feed; see docs/0003-icalendar.md); the tests parse every file with icalendar.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import col

from coordinator.bulk import paused_gc
from coordinator.calendar.contentlines import CRLF, fold, param, prop, text
from coordinator.calendar.timezones import vtimezone
from coordinator.i18n import _, translator
from coordinator.recurrence import zone
from coordinator.validation import ValidationError
from storage.enums import MeetingStatus, Priority, Rsvp, TaskStatus
from storage.models import Affiliation, DatePoll, Invitation, Meeting, Person, PollSlot, Task
from storage.rows import AlchemyRows
from storage.uow import reading

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
_TODO_STATUS = {
    TaskStatus.OPEN: "NEEDS-ACTION",
    TaskStatus.IN_PROGRESS: "IN-PROCESS",
    TaskStatus.DONE: "COMPLETED",
    TaskStatus.DROPPED: "CANCELLED",
}
_PRIORITY = {Priority.HIGH: "1", Priority.NORMAL: "5", Priority.LOW: "9"}


@dataclass(frozen=True)
class CalendarFilter:
    """Which meetings a feed holds (all when empty). Dates are local days, inclusive."""

    series_id: int | None = None
    organisation_id: int | None = None
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class FeedOptions:
    name: str = "Netzwerk"
    attendees: bool = False  # names and addresses of invitees are personal data: opt in
    reminder_minutes: int | None = None
    tasks: bool = False
    refresh_hours: int = 12


@dataclass(slots=True)
class _Person:
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
class _Event:
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
    overrides: list[_Event] = field(default_factory=list)


_COLUMNS = (
    Meeting.id, Meeting.uid, Meeting.sequence, Meeting.title, Meeting.starts_at, Meeting.ends_at,
    Meeting.all_day, Meeting.timezone, Meeting.location, Meeting.online_url, Meeting.status,
    Meeting.rrule, Meeting.notes, Meeting.created_at, Meeting.updated_at, Meeting.organiser_id,
    Meeting.series_id, Meeting.recurrence_id, Meeting.language,
)  # fmt: skip


# --- values --------------------------------------------------------------------------------


def _stamp(moment: datetime) -> str:
    return "%04d%02d%02dT%02d%02d%02d" % (  # noqa: UP031  (3x faster than strftime)
        moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second,
    )  # fmt: skip


def _utc(moment: datetime) -> str:
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return _stamp(moment) + "Z"


def _local(moment: datetime, tz: str) -> str:
    return _stamp(moment.astimezone(zone(tz)))


def _time_prop(name: str, moment: datetime, event: _Event, tz: str | None = None) -> str:
    """DTSTART and friends: a DATE for all-day meetings, local time with TZID, or UTC."""
    tz = tz or event.timezone
    if event.all_day:
        return f"{name};VALUE=DATE:{moment.astimezone(zone(tz)):%Y%m%d}"
    if tz == "UTC":
        return f"{name}:{_utc(moment)}"
    return fold(f"{name};TZID={param(tz)}:{_local(moment, tz)}")


def _times_prop(name: str, moments: Sequence[datetime], event: _Event) -> str:
    if event.all_day:
        values = ",".join(f"{m.astimezone(zone(event.timezone)):%Y%m%d}" for m in moments)
        return prop(name, values, [("VALUE", "DATE")])
    if event.timezone == "UTC":
        return prop(name, ",".join(_utc(m) for m in moments))
    values = ",".join(_local(m, event.timezone) for m in moments)
    return prop(name, values, [("TZID", event.timezone)])


def _rule(event: _Event) -> str:
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


def _address(person: _Person) -> str:
    return f"mailto:{person.email}"


# --- reading -------------------------------------------------------------------------------


def _events(engine: Engine, flt: CalendarFilter | None, ids: Iterable[int] = ()) -> list[_Event]:
    """Meetings (masters and single ones) with their occurrence rows attached."""
    wanted = list(ids)
    with engine.connect() as session:
        query = select(*_COLUMNS).where(col(Meeting.series_id).is_(None))
        if wanted:
            query = query.where(col(Meeting.id).in_(wanted))
        if flt is not None:
            query = _filtered(query, flt)
        masters = [_Event(*row) for row in session.execute(query.order_by(Meeting.starts_at)).all()]
        by_id = {m.id: m for m in masters}
        extra = select(*_COLUMNS).where(col(Meeting.series_id).is_not(None))
        if len(by_id) < 500:
            extra = extra.where(col(Meeting.series_id).in_(list(by_id)))
        for row in session.execute(extra.order_by(Meeting.recurrence_id)):
            occurrence = _Event(*row)
            master = by_id.get(occurrence.series_id or 0)
            if master is None:
                continue
            if occurrence.status == MeetingStatus.CANCELLED:
                master.exdates.append(occurrence.recurrence_id or occurrence.starts_at)
            elif _differs(occurrence, master):  # a row made only for an agenda adds nothing
                master.overrides.append(occurrence)
    return masters


def _differs(occurrence: _Event, master: _Event) -> bool:
    """Whether an occurrence row changes what the series' rule says about that date."""
    return (
        occurrence.starts_at != occurrence.recurrence_id
        or occurrence.ends_at - occurrence.starts_at != master.ends_at - master.starts_at
        or (occurrence.title, occurrence.location, occurrence.online_url, occurrence.status)
        != (master.title, master.location, master.online_url, master.status)
        or occurrence.all_day != master.all_day
        or bool(occurrence.notes)
    )


def _filtered(query, flt: CalendarFilter):  # type: ignore[no-untyped-def]
    if flt.series_id is not None:
        query = query.where(Meeting.id == flt.series_id)
    if flt.start is not None:
        first = datetime.combine(flt.start, datetime.min.time(), zone("Europe/Berlin"))
        query = query.where(
            (col(Meeting.ends_at) >= first)
            | (
                (Meeting.rrule != "")
                & (
                    col(Meeting.recurrence_ends_at).is_(None)
                    | (col(Meeting.recurrence_ends_at) >= first)
                )
            )
        )
    if flt.end is not None:
        last = datetime.combine(
            flt.end + timedelta(days=1), datetime.min.time(), zone("Europe/Berlin")
        )
        query = query.where(col(Meeting.starts_at) < last)
    if flt.organisation_id is not None:
        invited = (
            select(Invitation.meeting_id)
            .join(Affiliation, col(Affiliation.person_id) == col(Invitation.person_id))
            .where(Affiliation.organisation_id == flt.organisation_id)
        )
        query = query.where(col(Meeting.id).in_(invited))
    return query


def _people(engine: Engine, meeting_ids: list[int]) -> tuple[dict[int, list], dict[int, _Person]]:
    """Invitees per meeting (person, rsvp) by name, and every person by id (erased people
    are left out). Plain SQL rows: a feed may hold 100,000 invitations."""
    invitees: dict[int, list] = defaultdict(list)
    people: dict[int, _Person] = {}
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
    with engine.connect() as connection:
        if few:
            rows = AlchemyRows(connection)
            invited = rows.all(invited_sql, params)
            found = rows.all(people_sql, {"pids": sorted({pid for _m, pid, _r in invited})})
        else:  # the whole network: the driver's own cursor, without parameters (portable)
            cursor = connection.connection.cursor()
            invited = _fetch(cursor, invited_sql)
            found = _fetch(cursor, people_sql)
        for pid, given, family, email, language in found:
            if email:  # an attendee is an address: people without one cannot be in the file
                people[pid] = _Person(f"{given} {family}".strip(), email, language)
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


def _fetch(cursor: Any, sql: str) -> list[Any]:
    cursor.execute(sql)
    return cursor.fetchall()


def _organisers(engine: Engine, ids: set[int]) -> dict[int, _Person]:
    if not ids:
        return {}
    with reading(engine) as session:
        rows = session.execute(
            select(
                Person.id,
                Person.given_name,
                Person.family_name,
                Person.email,
                Person.preferred_language,
            ).where(col(Person.id).in_(list(ids)), col(Person.erased_at).is_(None))
        )
        return {pid: _Person(f"{g} {f}".strip(), e, lang) for pid, g, f, e, lang in rows}


# --- writing -------------------------------------------------------------------------------


@dataclass
class _Writer:
    stamp: datetime
    reminder_minutes: int | None = None
    lines: list[str] = field(default_factory=list)
    zones: dict[str, int] = field(default_factory=dict)  # TZID -> first year used

    def __post_init__(self) -> None:
        self.dtstamp = f"DTSTAMP:{_utc(self.stamp)}"

    def use_zone(self, event: _Event) -> None:
        if event.timezone != "UTC" and not event.all_day:
            year = event.starts_at.year  # the rules of that year go into the VTIMEZONE
            if year < self.zones.get(event.timezone, 9999):
                self.zones[event.timezone] = year

    def vevent(
        self,
        event: _Event,
        *,
        master: _Event | None = None,
        organiser: _Person | None = None,
        invitees: Sequence[tuple[_Person, Rsvp]] = (),
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
            lines.append(_time_prop("RECURRENCE-ID", event.recurrence_id, master))
        lines.append(_time_prop("DTSTART", event.starts_at, event))
        lines.append(_time_prop("DTEND", event.ends_at, event))
        if event.rrule and master is None:
            lines.append(f"RRULE:{_rule(event)}")
            if event.exdates:
                lines.append(_times_prop("EXDATE", sorted(event.exdates), event))
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
        lines.append(f"CREATED:{_utc(event.created_at)}")
        lines.append(f"LAST-MODIFIED:{_utc(event.updated_at)}")
        if organiser is not None and organiser.email:
            lines.append(prop("ORGANIZER", _address(organiser), [("CN", organiser.name)]))
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
    events = _events(engine, flt)
    invitees, _people_by_id = (
        _people(engine, [e.id for e in events]) if options.attendees else ({}, {})
    )
    organisers = (
        _organisers(engine, {e.organiser_id for e in events if e.organiser_id})
        if options.attendees
        else {}
    )
    writer = _Writer(now, options.reminder_minutes)
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


def _todos(engine: Engine, writer: _Writer, flt: CalendarFilter | None) -> None:
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
        network = _network_uid(engine)
        for tid, title, notes, status, priority, due, created, updated in session.execute(
            query.order_by(Task.id)
        ):
            lines = [
                "BEGIN:VTODO",
                prop("UID", f"task-{tid}@{network}"),
                f"DTSTAMP:{_utc(writer.stamp)}",
                prop("SUMMARY", text(title)),
                f"STATUS:{_TODO_STATUS[status]}",
                f"PRIORITY:{_PRIORITY[priority]}",
                f"CREATED:{_utc(created)}",
                f"LAST-MODIFIED:{_utc(updated)}",
            ]
            if due is not None:
                lines.append(f"DUE;VALUE=DATE:{due:%Y%m%d}")
            if notes:
                lines.append(prop("DESCRIPTION", text(notes)))
            writer.lines += [*lines, "END:VTODO"]


def _network_uid(engine: Engine) -> str:
    from storage.models import Meta

    with reading(engine) as session:
        found = session.get(Meta, "network_uid")
        return found.value if found is not None else "coordinator"


# --- invitations and cancellations --------------------------------------------------------


def _one(engine: Engine, meeting_id: int) -> tuple[_Event, _Event | None]:
    """A meeting, and its series' master when it is one occurrence."""
    with reading(engine) as session:
        row = session.execute(select(*_COLUMNS).where(Meeting.id == meeting_id)).first()
        if row is None:
            raise LookupError(meeting_id)
        event = _Event(*row)
        master = None
        if event.series_id is not None:
            master_row = session.execute(
                select(*_COLUMNS).where(Meeting.id == event.series_id)
            ).one()
            master = _Event(*master_row)
    if master is None and event.rrule:
        event = next(e for e in _events(engine, None, [event.id]))
    return event, master


def _invitees_of(engine: Engine, event: _Event, master: _Event | None):  # type: ignore[no-untyped-def]
    invited_at = master.id if master is not None else event.id
    invitees, _by_id = _people(engine, [invited_at])
    owner = master.organiser_id if master is not None else event.organiser_id
    organiser = _organisers(engine, {owner} if owner else set()).get(owner or 0)
    if organiser is None or not organiser.email:
        raise ValidationError(
            {"organiser": _("The meeting needs an organiser with an e-mail address.")}
        )
    return organiser, invitees.get(invited_at, [])


def invitation_languages(engine: Engine, meeting_id: int) -> list[str]:
    """The languages invitation files are needed in (German, English), as the invitees
    prefer them."""
    event, master = _one(engine, meeting_id)
    invited_at = master.id if master is not None else event.id
    invitees, _by_id = _people(engine, [invited_at])
    wanted = {"de" if p.language == "de" else "en" for p, _r in invitees.get(invited_at, [])}
    return sorted(wanted) or ["de" if event.language == "de" else "en"]


def _only(invitees: list, email: str | None) -> list:  # type: ignore[type-arg]
    """The invitees a file for ``email`` may name: that person alone (a recipient sees only
    what is theirs, never the others' names and addresses); everyone without ``email``."""
    if email is None:
        return invitees
    wanted = email.strip().casefold()
    return [(p, r) for p, r in invitees if p.email.strip().casefold() == wanted]


def invitation(
    engine: Engine,
    meeting_id: int,
    language: str,
    now: datetime,
    *,
    reminder_minutes: int | None = None,
    for_email: str | None = None,
) -> str:
    """METHOD:REQUEST for a meeting, a series or one occurrence, in ``language``. With
    ``for_email``: the invitation to that invitee alone, or, for someone who is not invited,
    the meeting as METHOD:PUBLISH without any attendee (see :func:`method_of`)."""
    from coordinator.agenda_export import calendar_description

    event, master = _one(engine, meeting_id)
    organiser, invitees = _invitees_of(engine, event, master)
    invitees = _only(invitees, for_email)
    writer = _Writer(now, reminder_minutes)
    description = calendar_description(engine, meeting_id, language)
    writer.vevent(
        event,
        master=master,
        organiser=organiser,
        invitees=invitees,
        description=description,
        language=language,
    )
    for override in event.overrides:  # a series' moved occurrences travel with it
        writer.vevent(override, master=event, organiser=organiser, invitees=invitees)
    method = "REQUEST" if invitees or for_email is None else "PUBLISH"
    return writer.calendar([f"METHOD:{method}"])


def method_of(calendar: str) -> str:
    """The METHOD a calendar file written here carries (REQUEST, PUBLISH, CANCEL)."""
    for line in calendar.split("\r\n", 8):
        if line.startswith("METHOD:"):
            return line[7:]
    return "PUBLISH"


def cancellation(
    engine: Engine, meeting_id: int, now: datetime, *, for_email: str | None = None
) -> str:
    """METHOD:CANCEL for a meeting, a whole series, or one occurrence of a series; with
    ``for_email``, naming that invitee alone (nobody else, for a recipient who is not one)."""
    event, master = _one(engine, meeting_id)
    organiser, invitees = _invitees_of(engine, event, master)
    invitees = _only(invitees, for_email)
    if event.status != MeetingStatus.CANCELLED:
        raise ValidationError({"status": _("The meeting is not cancelled.")})
    writer = _Writer(now)
    # Cancelling raised the SEQUENCE already (meetings.set_status, cancel_occurrence).
    writer.vevent(event, master=master, organiser=organiser, invitees=invitees)
    return writer.calendar(["METHOD:CANCEL"])


# --- date polls ------------------------------------------------------------------------------


def _poll(
    engine: Engine, poll_id: int
) -> tuple[_Event, list[tuple[int, str, datetime, datetime]], int | None]:
    with reading(engine) as session:
        poll = session.get(DatePoll, poll_id)
        if poll is None:
            raise LookupError(poll_id)
        slots = [
            (sid, uid, starts, ends)
            for sid, uid, starts, ends in session.execute(
                select(PollSlot.id, PollSlot.uid, PollSlot.starts_at, PollSlot.ends_at)
                .where(PollSlot.poll_id == poll_id)
                .order_by(PollSlot.starts_at)
            )
        ]
        chosen = poll.chosen_slot_id
        meeting_id = poll.meeting_id
    event, _master = _one(engine, meeting_id)
    return event, slots, chosen


def poll_holds(engine: Engine, poll_id: int, language: str, now: datetime) -> str:
    """The candidate slots of a date poll as tentative holds (one UID per slot), so they
    show in the invitees' own calendars until a date is chosen."""
    event, slots, _chosen = _poll(engine, poll_id)
    organiser, invitees = _invitees_of(engine, event, None)
    tr = translator(language).gettext
    writer = _Writer(now)
    for number, (_sid, uid, starts, ends) in enumerate(slots, start=1):
        hold = _hold(event, uid, starts, ends, 0)
        hold.title = tr("Option {number}: {title}").format(number=number, title=event.title)
        writer.vevent(
            hold,
            organiser=organiser,
            invitees=invitees,
            description=tr("A date being considered; the final date follows."),
            language=language,
            status="TENTATIVE",
        )
    return writer.calendar(["METHOD:REQUEST"])


def _hold(event: _Event, uid: str, starts: datetime, ends: datetime, sequence: int) -> _Event:
    return _Event(
        id=event.id, uid=uid, sequence=sequence, title=event.title, starts_at=starts,
        ends_at=ends, all_day=False, timezone=event.timezone, location=event.location,
        online_url=event.online_url, status=MeetingStatus.PLANNED, rrule="", notes="",
        created_at=event.created_at, updated_at=event.updated_at, organiser_id=event.organiser_id,
        series_id=None, recurrence_id=None, language=event.language,
    )  # fmt: skip


def poll_release(engine: Engine, poll_id: int, now: datetime) -> str:
    """METHOD:CANCEL for the holds no longer needed once a date is chosen. The chosen slot's
    hold became the meeting itself (its UID), so only the unused ones are cancelled."""
    event, slots, chosen = _poll(engine, poll_id)
    if chosen is None:
        raise ValidationError({"poll": _("No date has been chosen yet.")})
    organiser, invitees = _invitees_of(engine, event, None)
    writer = _Writer(now)
    for sid, uid, starts, ends in slots:
        if sid == chosen and uid == event.uid:
            continue
        writer.vevent(
            _hold(event, uid, starts, ends, 1),
            organiser=organiser,
            invitees=invitees,
            status="CANCELLED",
        )
    return writer.calendar(["METHOD:CANCEL"])


# --- filters as typed ----------------------------------------------------------------------


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


# --- the files of one meeting ----------------------------------------------------------------

INVITATION, CANCELLATION, POLL_HOLDS, POLL_RELEASE = (
    "invitation",
    "cancellation",
    "holds",
    "release",
)


def meeting_files(status: MeetingStatus, poll_status: str | None, chosen: bool) -> list[str]:
    """Which calendar files a meeting can give now, most useful first."""
    kinds = [CANCELLATION] if status == MeetingStatus.CANCELLED else [INVITATION]
    if poll_status == "open":
        kinds.append(POLL_HOLDS)
    elif poll_status == "closed" and chosen:
        kinds.append(POLL_RELEASE)
    return kinds


def meeting_file(
    engine: Engine, meeting_id: int, kind: str, language: str, now: datetime, poll_id: int = 0
) -> str:
    if kind == INVITATION:
        return invitation(engine, meeting_id, language, now)
    if kind == CANCELLATION:
        return cancellation(engine, meeting_id, now)
    if kind == POLL_HOLDS:
        return poll_holds(engine, poll_id, language, now)
    return poll_release(engine, poll_id, now)
