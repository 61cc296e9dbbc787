"""Reading calendar files from Google Calendar, Outlook, Apple Calendar, Thunderbird and
Nextcloud into plain events (times aware, in UTC, with the IANA zone they were planned in).

Everything that cannot be understood is an IcsError naming its line; nothing is guessed
silently. A TZID may be IANA, Windows ("W. Europe Standard Time") or a Mozilla path.
"""

from __future__ import annotations

import hashlib
import re
import sys
import time as clock
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import islice
from typing import NamedTuple
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from coordinator.bounds import (
    MAX_ATTENDEES,
    MAX_EVENT_DAYS,
    MAX_INTERVAL,
    MAX_OCCURRENCES,
    MAX_SECONDS_PER_FILE,
    MAX_SEQUENCE,
    NOTES_LENGTH,
    PLACE_LENGTH,
    TITLE_LENGTH,
)
from coordinator.bulk import paused_gc
from coordinator.calendar.contentlines import (
    Component,
    IcsError,
    PlainEvent,
    Prop,
    decode,
    iter_parse,
    param_of,
    unescape,
)
from coordinator.calendar.moments import (
    DATE,
    Moment,
    UnknownZone,
    Zones,
    check_year,
    duration,
    moment,
    too_long,
)
from coordinator.calendar.timezones import resolve_tzid
from coordinator.i18n import _, ngettext
from coordinator.meetings.recurrence import too_many_occurrences, until_of
from storage.enums import MeetingStatus, Rsvp

DEFAULT_ZONE = "Europe/Berlin"
MAX_BYTES = 50 * 1024 * 1024
METHODS = ("PUBLISH", "REQUEST", "CANCEL", "REPLY")
RSVP_OF = {
    "NEEDS-ACTION": Rsvp.NO_REPLY,
    "ACCEPTED": Rsvp.ACCEPTED,
    "TENTATIVE": Rsvp.TENTATIVE,
    "DECLINED": Rsvp.DECLINED,
}
STATUS_OF = {
    "TENTATIVE": MeetingStatus.PLANNED,
    "CONFIRMED": MeetingStatus.CONFIRMED,
    "CANCELLED": MeetingStatus.CANCELLED,
}


class Address(NamedTuple):
    name: str
    email: str
    rsvp: Rsvp = Rsvp.NO_REPLY


@dataclass
class IncomingEvent:
    """One VEVENT: a meeting, a series, or one occurrence of a series (recurrence_id)."""

    uid: str
    line: int
    method: str
    sequence: int
    stamp: datetime | None
    title: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    timezone: str
    location: str = ""
    online_url: str = ""
    notes: str = ""
    status: MeetingStatus = MeetingStatus.CONFIRMED
    rrule: str = ""
    exdates: list[datetime] = field(default_factory=list)
    recurrence_id: datetime | None = None
    organiser: Address | None = None
    attendees: list[Address] = field(default_factory=list)
    notes_on_import: list[str] = field(default_factory=list)  # what was cut or left out


@dataclass(frozen=True)
class BadEvent:
    """An event of the file that cannot be imported: where, which, and why."""

    line: int  # the line the reason names
    uid: str
    title: str
    reason: str  # without the line


@dataclass
class CalendarFile:
    events: list[IncomingEvent]
    skipped: dict[str, int]  # components not imported (VTODO, VJOURNAL...), by name
    bad: list[BadEvent] = field(default_factory=list)  # read with ``lenient``
    passed_over: list[BadEvent] = field(default_factory=list)  # lines outside events, lenient


def _address(item: Prop) -> Address | None:
    return _address_of(item.value, item.param("CN"), item.param("PARTSTAT"))


def _address_of(value: str, name: str, partstat: str) -> Address | None:
    """An ORGANIZER or ATTENDEE: a mailto: address, or None for anything else."""
    if not value.startswith("mailto:"):
        value = value.strip()
        if value[:7].lower() != "mailto:":
            return None
    rsvp = RSVP_OF.get(partstat.upper(), Rsvp.NO_REPLY) if partstat else Rsvp.NO_REPLY
    return Address(name.strip(), value[7:].strip(), rsvp)


def _text(component: Component | PlainEvent, name: str) -> str:
    return unescape(component.value(name)).strip()


def _cut(event: IncomingEvent, name: str, text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, and the preview says so."""
    event.notes_on_import.append(
        _("{name} cut from {length} to {limit} characters.").format(
            name=name, length=f"{len(text):,}", limit=f"{limit:,}"
        )
    )
    return text[:limit]


# The app keeps a single date of a series as "<series UID>#<its start in UTC>".
_OCCURRENCE_UID = re.compile(r"#\d{8}T\d{6}Z\Z")


def _rule(item: Prop, start: Moment, zone: str) -> str:
    """The rule as stored: no RRULE: prefix, UNTIL in UTC (dateutil and RFC 5545 want it so
    when DTSTART has a zone)."""
    parts = []
    for part in item.value.strip().split(";"):
        key, _sep, value = part.partition("=")
        if key.upper() == "UNTIL":
            until = DATE.match(value)
            if until is not None:  # a day: the series ends with that day, local time
                check_year(item, int(until[1]), value)
                try:
                    day = date(int(until[1]), int(until[2]), int(until[3]))
                except ValueError:
                    raise IcsError(
                        item.line, _("“{value}” is not a valid date or time.").format(value=value)
                    ) from None
                end = datetime.combine(day, time(23, 59, 59), ZoneInfo(zone))
                value = f"{end.astimezone(UTC):%Y%m%dT%H%M%SZ}"
            elif not value.endswith("Z"):
                local = moment(item, value, Zones(zone))
                value = f"{local.value:%Y%m%dT%H%M%SZ}"
        parts.append(f"{key.upper()}={value}")
    rule = ";".join(p for p in parts if p != "=")
    values = dict(part.partition("=")[::2] for part in rule.upper().split(";"))
    for key, limit in (("COUNT", MAX_OCCURRENCES), ("INTERVAL", MAX_INTERVAL)):
        if key not in values:
            continue
        if (
            not (values[key].isascii() and values[key].isdigit()) or int(values[key]) < 1
        ):  # INTERVAL=-1 would run backwards
            raise IcsError(item.line, _("The recurrence rule cannot be read."))
        if int(values[key]) > limit:
            raise IcsError(
                item.line,
                _("The recurrence rule's {key} is over {limit}.").format(
                    key=key, limit=f"{limit:,}"
                ),
            )
    if not _readable(rule):
        raise IcsError(item.line, _("The recurrence rule cannot be read."))
    # No COUNT: count up to the limit where the rule could pass it (an UNTIL far away would
    # not end, or make more rows than a series may have). Without times of day in the rule a
    # series has at most one start a day, so a span shorter than the limit in days is safe.
    frequent = values.get("FREQ") in ("SECONDLY", "MINUTELY", "HOURLY") or any(
        key in values for key in ("BYHOUR", "BYMINUTE", "BYSECOND")
    )
    until = until_of(values.get("UNTIL", ""))
    long = until is not None and (until - start.value.astimezone(UTC)).days >= MAX_OCCURRENCES
    if "COUNT" not in values and (frequent or long):
        parsed = rrulestr(rule, dtstart=start.value.astimezone(ZoneInfo(zone)))
        if sum(1 for _ in islice(parsed, MAX_OCCURRENCES + 1)) > MAX_OCCURRENCES:  # type: ignore[arg-type]
            raise IcsError(item.line, too_many_occurrences())
    return rule


@lru_cache(maxsize=4096)
def _readable(rule: str) -> bool:
    """Whether dateutil reads the rule (as stored: UNTIL in UTC, so any aware start will do;
    a feed repeats its rules)."""
    try:
        return isinstance(rrulestr(rule, dtstart=_ANY_START), rrule)
    except (ValueError, TypeError, OverflowError):
        return False


_ANY_START = datetime(2026, 1, 1, tzinfo=UTC)


def _event(component: Component | PlainEvent, method: str, zones: Zones) -> IncomingEvent:
    uid_prop = component.get("UID")
    made_up = uid_prop is None or not uid_prop.value.strip()
    if made_up:  # RFC 5545 wants one; some programs leave it out
        uid_prop = Prop("UID", {}, _uid_of(component), component.line)
    assert uid_prop is not None
    if "#" in uid_prop.value and _OCCURRENCE_UID.search(uid_prop.value.strip()):
        raise IcsError(
            uid_prop.line,
            _("A UID ending in “#” and a time is how the app names single dates of a series."),
        )
    start_prop = component.get("DTSTART")
    if start_prop is None:
        if method == "REPLY" or method == "CANCEL":
            start_prop = Prop("DTSTART", {}, "19700101T000000Z", component.line)
        else:
            raise IcsError(component.line, _("An event without a start (DTSTART)."))
    start = moment(start_prop, start_prop.value, zones)
    end_prop = component.get("DTEND")
    if end_prop is not None:
        end = moment(end_prop, end_prop.value, zones).value
    elif component.get("DURATION") is not None:
        end = start.value + duration(component.get("DURATION"))  # type: ignore[arg-type]
    else:
        end = start.value + (timedelta(days=1) if start.is_date else timedelta(0))
    if end < start.value:
        raise IcsError((end_prop or start_prop).line, _("The event ends before it starts."))
    if end - start.value > timedelta(days=MAX_EVENT_DAYS):
        raise too_long((end_prop or start_prop).line)
    rule_prop = component.get("RRULE")
    zone = start.zone or zones.default
    if zone == "UTC" and zones.announced:
        zone = zones.announced  # Google's series in UTC repeat at the same local time
    if zone == "UTC" and rule_prop is None:
        zone = zones.default  # shown in local time; a UTC series keeps UTC to stay exact
    stamp_prop = component.get("LAST-MODIFIED") or component.get("DTSTAMP")
    stamp = moment(stamp_prop, stamp_prop.value, zones).value if stamp_prop else None
    sequence_raw = component.value("SEQUENCE", "0").strip()
    if not sequence_raw.lstrip("-").isdigit():
        raise IcsError(component.get("SEQUENCE").line, _("SEQUENCE must be a number."))  # type: ignore[union-attr]
    if abs(int(sequence_raw)) > MAX_SEQUENCE:
        raise IcsError(component.get("SEQUENCE").line, _("SEQUENCE is too large."))  # type: ignore[union-attr]
    url = component.value("URL").strip()
    event = IncomingEvent(
        uid=uid_prop.value.strip(),
        line=component.line,
        method=method,
        sequence=int(sequence_raw),
        stamp=stamp,
        title="",
        starts_at=start.value,
        ends_at=end,
        all_day=start.is_date,
        timezone=zone,
        online_url=url if url.startswith(("http://", "https://")) else "",
        status=STATUS_OF.get(component.value("STATUS").strip().upper(), MeetingStatus.CONFIRMED),
    )
    if made_up:
        event.notes_on_import.append(
            _("No UID: one was made from its start and title (so a second import finds it).")
        )
    title, place, notes = (_text(component, n) for n in ("SUMMARY", "LOCATION", "DESCRIPTION"))
    event.title = (
        title if len(title) <= TITLE_LENGTH else _cut(event, "SUMMARY", title, TITLE_LENGTH)
    )
    event.location = (
        place if len(place) <= PLACE_LENGTH else _cut(event, "LOCATION", place, PLACE_LENGTH)
    )
    event.notes = (
        notes if len(notes) <= NOTES_LENGTH else _cut(event, "DESCRIPTION", notes, NOTES_LENGTH)
    )
    extra = (
        sum(len(i.value.split(",")) for i in component.all("RDATE")) if "RDATE" in component else 0
    )
    if extra:
        event.notes_on_import.append(
            ngettext(
                "{n} extra date (RDATE) is not imported.",
                "{n} extra dates (RDATE) are not imported.",
                extra,
            ).format(n=extra)
        )
    if method == "CANCEL":
        event.status = MeetingStatus.CANCELLED
    if rule_prop is not None:
        event.rrule = _rule(rule_prop, start, zone)
    for item in component.all("EXDATE"):
        for raw in item.value.split(","):
            event.exdates.append(_occurrence_start(moment(item, raw, zones), start, zone))
    recurrence = component.get("RECURRENCE-ID")
    if recurrence is not None:
        found = moment(recurrence, recurrence.value, zones)
        event.recurrence_id = _occurrence_start(found, start, zone)
    organiser = component.get("ORGANIZER")
    if organiser is not None:
        event.organiser = _address(organiser)
    if isinstance(component, PlainEvent):  # no objects per attendee line: a feed has 100,000
        lines = component.raw_all("ATTENDEE")
        _check_attendees(component, len(lines))
        found = [
            _address_of(value, param_of(raw, "CN"), param_of(raw, "PARTSTAT"))
            for raw, value in lines
        ]
    else:
        items = component.all("ATTENDEE")
        _check_attendees(component, len(items))
        found = [_address(item) for item in items]
    # (whether an address may enter the register is the plan's question: import_plan.checked)
    event.attendees = [address for address in found if address is not None]
    return event


def _check_attendees(component: Component | PlainEvent, count: int) -> None:
    if count > MAX_ATTENDEES:
        raise IcsError(
            component.line,
            _("An event with more than {n} attendees.").format(n=f"{MAX_ATTENDEES:,}"),
        )


def _uid_of(component: Component | PlainEvent) -> str:
    """A UID for an event without one, the same every time the same event is read."""
    parts = (component.value(name).strip() for name in ("DTSTART", "DTEND", "SUMMARY", "RRULE"))
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"{digest}@no-uid.invalid"


def _occurrence_start(moment: Moment, start: Moment, zone: str) -> datetime:
    """An EXDATE or RECURRENCE-ID as the start of the occurrence it names: a bare day means
    the series' own time of day on that day."""
    if not moment.is_date or start.is_date or moment.day is None:
        return moment.value
    clock = start.value.astimezone(ZoneInfo(zone)).time()
    return datetime.combine(moment.day, clock, ZoneInfo(zone)).astimezone(UTC)


def read_calendar(
    raw: bytes,
    *,
    progress: Callable[[int, int], None] | None = None,
    fast: bool = True,
    lenient: bool = False,
) -> CalendarFile:
    """The events of a calendar file, or IcsError naming the first broken line. With
    ``lenient`` an event that cannot be imported is listed in ``bad`` instead, and only a
    file that is broken as a whole is an IcsError. (``fast``: plain events read as one block
    each, see contentlines.iter_parse; the tests compare.)"""
    if len(raw) > MAX_BYTES:
        raise IcsError(1, _("The file is larger than 50 MB."))
    with paused_gc():
        return _read(raw, progress, fast, lenient)


def _read(
    raw: bytes, progress: Callable[[int, int], None] | None, fast: bool, lenient: bool
) -> CalendarFile:
    into = CalendarFile([], {})
    events = into.events
    total = raw.count(b"BEGIN:VEVENT") if progress is not None else 0
    for event in _events(raw, into, fast, lenient):
        events.append(event)
        if progress is not None and len(events) % 1000 == 0:
            progress(len(events), total)
    return into


def iter_events(
    raw: bytes, into: CalendarFile, *, lenient: bool = False
) -> Iterator[IncomingEvent]:
    """The events of a calendar file one by one as they are read (for an import that writes
    while it reads); ``into`` collects the other components (``skipped``) and, read
    leniently, the events that cannot be imported and the lines passed over. IcsError names
    the first broken line when the reading gets there."""
    if len(raw) > MAX_BYTES:
        raise IcsError(1, _("The file is larger than 50 MB."))
    return _events(raw, into, True, lenient)


def _bad(child: Component | PlainEvent, error: IcsError) -> BadEvent:
    try:
        uid, title = child.value("UID").strip(), unescape(child.value("SUMMARY")).strip()
    except IcsError:
        uid, title = "", ""
    return BadEvent(error.line, uid[:200], title[:TITLE_LENGTH], error.reason)


def _events(raw: bytes, into: CalendarFile, fast: bool, lenient: bool) -> Iterator[IncomingEvent]:
    settings: dict[int, tuple[str, Zones]] = {}  # per calendar: its method and zones
    deadline = clock.monotonic() + MAX_SECONDS_PER_FILE
    problems: list[IcsError] | None = [] if lenient else None
    waiting: list[Component | PlainEvent] = []  # a zone defined further down the calendar
    skipped = into.skipped
    for calendar, child in iter_parse(decode(raw), fast=fast, problems=problems):
        found = settings.get(id(calendar))
        if found is None:
            found = settings[id(calendar)] = _settings(calendar)
        method, zones = found
        if child is None:  # the calendar ends: its zones are all known now
            for late in waiting:
                event = _event_or_bad(late, method, zones, into, lenient, last_try=True)
                if event is not None:
                    yield event
            waiting.clear()
            continue
        if clock.monotonic() > deadline:
            raise IcsError(
                child.line,
                _("Reading the file took longer than {n} seconds: it was stopped here.").format(
                    n=MAX_SECONDS_PER_FILE
                ),
            )
        if child.name == "VEVENT":
            try:
                event = _event_or_bad(child, method, zones, into, lenient, last_try=False)
            except _LaterZone:
                waiting.append(child)
                continue
            if event is not None:
                yield event
        elif child.name == "VTIMEZONE":
            zones.define(child)  # type: ignore[arg-type]
        else:
            skipped[child.name] = skipped.get(child.name, 0) + 1
    into.passed_over.extend(BadEvent(p.line, "", "", p.reason) for p in problems or ())


class _LaterZone(Exception):
    """An event names a zone that no VTIMEZONE before it defines: read it again at the end."""


def _event_or_bad(
    child: Component | PlainEvent,
    method: str,
    zones: Zones,
    into: CalendarFile,
    lenient: bool,
    *,
    last_try: bool,
) -> IncomingEvent | None:
    """The event, or None when it is listed in ``into.bad`` (lenient), or IcsError."""
    try:
        broken = getattr(child, "broken", None)
        if broken is not None:
            raise broken
        return _event(child, method, zones)
    except UnknownZone:
        if not last_try:
            raise _LaterZone from None
        if not lenient:
            raise
        into.bad.append(_bad(child, sys.exc_info()[1]))  # type: ignore[arg-type]
    except IcsError as error:
        if not lenient:
            raise
        into.bad.append(_bad(child, error))
    return None


def _settings(calendar: Component) -> tuple[str, Zones]:
    method_prop = calendar.get("METHOD")
    method = method_prop.value.strip().upper() if method_prop else "PUBLISH"
    if method not in METHODS:
        raise IcsError(
            method_prop.line if method_prop else calendar.line,
            _("METHOD:{method} is not supported.").format(method=method),
        )
    # No VERSION: 47 of the calendars in icalendar's and recurring-ical-events' test corpora
    # lack it, and every client reads them; RFC 5545's 2.0 is the only version there is.
    tzid = calendar.value("X-WR-TIMEZONE")
    default = resolve_tzid(tzid) if tzid else None
    if default is None:
        return method, Zones(DEFAULT_ZONE)
    return method, Zones(default.key, default.key)
