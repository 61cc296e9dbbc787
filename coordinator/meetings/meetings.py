"""Meetings: plan, change, cancel; series with single occurrences moved or cancelled.

Times are typed in the meeting's own time zone and stored as aware UTC datetimes with that
zone. Every change an invitee must know (time, place, cancellation) raises the meeting's
SEQUENCE (iCalendar) and marks the invitations as needing an update.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from coordinator.choices import parse_choice
from coordinator.i18n import _
from coordinator.languages import language_name
from coordinator.meetings.recurrence import (
    RecurrenceError,
    last_occurrence,
    occurrences_between,
    zone,
)
from coordinator.network.concurrency import check, locked
from coordinator.register.people import find_person, person_label
from coordinator.validation import Checker, ValidationError
from storage.enums import MeetingKind, MeetingStatus
from storage.models import Invitation, Meeting
from storage.uow import reading, transaction

REPEATS = ("none", "weekly", "biweekly", "monthly", "custom")
_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass
class MeetingInput:
    """What the meeting form says (all text, as typed)."""

    title: str = ""
    kind: str = MeetingKind.NETWORK.value
    day: str = ""  # 2026-03-31 or 31.03.2026
    start: str = "18:00"
    end: str = "20:00"
    all_day: bool = False
    timezone: str = "Europe/Berlin"
    location: str = ""
    online_url: str = ""
    language: str = "de"
    repeat: str = "none"  # none, weekly, biweekly, monthly (on the same n-th weekday), custom
    until: str = ""  # last day of the series
    count: str = ""  # or the number of meetings
    notes: str = ""
    rule: str = ""  # a rule the form cannot express (imported): kept as it is ("custom")
    organiser: str = ""  # a person by name, e-mail or "#ID" (people.find_person); "": none


@dataclass(frozen=True)
class CleanMeeting:
    title: str
    kind: MeetingKind
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    timezone: str
    location: str
    online_url: str
    language: str
    rrule: str
    notes: str


def _clock(check: Checker, field: str, value: str) -> time | None:
    try:
        hours, minutes = value.strip().replace(".", ":").split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        check.fail(field, _("Not a time (like 18:30)."))
        return None


def rule_for(
    repeat: str, first_local: datetime, until: date | None, count: int | None, tz: str
) -> str:
    """An RRULE for the choices of the form."""
    if repeat == "none":
        return ""
    if repeat == "weekly":
        rule = "FREQ=WEEKLY"
    elif repeat == "biweekly":
        rule = "FREQ=WEEKLY;INTERVAL=2"
    else:
        nth = (first_local.day - 1) // 7 + 1
        nth = -1 if nth == 5 else nth  # the fifth weekday of a month: use "the last"
        rule = f"FREQ=MONTHLY;BYDAY={nth}{_WEEKDAY_CODES[first_local.weekday()]}"
    if count:
        rule += f";COUNT={count}"
    elif until:
        end_local = datetime.combine(until, time(23, 59, 59), zone(tz))
        rule += f";UNTIL={end_local.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    return rule


def validate(data: MeetingInput) -> CleanMeeting:
    check = Checker()
    title = check.required("title", data.title, max_length=200)
    kind = parse_choice(MeetingKind, data.kind)
    if kind is None:
        check.fail("kind", _("Choose a kind of meeting."))
    try:
        tz = zone(data.timezone.strip()).key
    except RecurrenceError:
        check.fail("timezone", _("Unknown time zone (like Europe/Berlin)."))
        tz = "Europe/Berlin"
    day = check.date("day", data.day)
    if day is None and "day" not in check.errors:
        check.fail("day", _("This field is required."))
    start = time(0, 0) if data.all_day else _clock(check, "start", data.start)
    end = time(0, 0) if data.all_day else _clock(check, "end", data.end)
    starts_at = ends_at = datetime.now(UTC)
    if day and start and end is not None:
        first_local = datetime.combine(day, start, zone(tz))
        if data.all_day:
            ends_local = datetime.combine(day + timedelta(days=1), time(0, 0), zone(tz))
        else:
            ends_local = datetime.combine(day, end, zone(tz))
            if ends_local <= first_local:
                check.fail("end", _("The meeting ends before it starts."))
        starts_at, ends_at = first_local.astimezone(UTC), ends_local.astimezone(UTC)
    repeat = data.repeat.strip() or "none"
    if repeat not in REPEATS:
        check.fail("repeat", _("Choose how the meeting repeats."))
    until = check.date("until", data.until)
    count = None
    if data.count.strip():
        if not data.count.strip().isdigit() or not 1 <= int(data.count) <= 520:
            check.fail("count", _("A number of meetings from 1 to 520."))
        else:
            count = int(data.count)
    if until and day and until < day:
        check.fail("until", _("The series ends before it starts."))
    rrule = ""
    if repeat == "custom":
        rrule = data.rule
        try:
            last_occurrence(rrule, starts_at, tz)
        except RecurrenceError:
            check.fail("repeat", _("Choose how the meeting repeats."))
    elif repeat != "none" and day and start and "timezone" not in check.errors:
        rrule = rule_for(repeat, datetime.combine(day, start, zone(tz)), until, count, tz)
    language = check.language("language", data.language) or "de"
    clean = CleanMeeting(
        title=title,
        kind=kind or MeetingKind.NETWORK,
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=data.all_day,
        timezone=tz,
        location=check.length("location", data.location, 300),
        online_url=check.url("online_url", data.online_url),
        language=language,
        rrule=rrule,
        notes=check.length("notes", data.notes, 5000),
    )
    check.check()
    return clean


def _apply(meeting: Meeting, clean: CleanMeeting) -> None:
    for name in (
        "title",
        "kind",
        "starts_at",
        "ends_at",
        "all_day",
        "timezone",
        "location",
        "online_url",
        "language",
        "rrule",
        "notes",
    ):
        setattr(meeting, name, getattr(clean, name))
    meeting.recurrence_ends_at = (
        last_occurrence(clean.rrule, clean.starts_at, clean.timezone) if clean.rrule else None
    )
    meeting.updated_at = datetime.now(UTC)


def _checked(session: Session, data: MeetingInput) -> tuple[CleanMeeting, int | None]:
    """The form's values and its organiser, with every error of both at once."""
    errors: dict[str, str] = {}
    try:
        clean = validate(data)
    except ValidationError as exc:
        errors.update(exc.errors)
    check = Checker()
    organiser = find_person(session, data.organiser, check, "organiser")
    errors.update(check.errors)
    if errors:
        raise ValidationError(errors)
    return clean, organiser


def create_meeting(engine: Engine, data: MeetingInput, *, organiser_id: int | None = None) -> int:
    """A new meeting or series. Its organiser (the ORGANIZER of its invitations, who gets the
    replies) is the person the form names, else ``organiser_id``."""
    with transaction(engine) as session:
        clean, organiser = _checked(session, data)
        meeting = Meeting(
            title=clean.title,
            starts_at=clean.starts_at,
            ends_at=clean.ends_at,
            organiser_id=organiser if organiser is not None else organiser_id,
        )
        _apply(meeting, clean)
        session.add(meeting)
        session.flush()
        assert meeting.id is not None
        return meeting.id


def default_organiser(engine: Engine) -> str:
    """The organiser a new meeting's form suggests: the one of the meeting created last."""
    with reading(engine) as session:
        last = session.exec(
            select(Meeting.organiser_id)
            .where(col(Meeting.organiser_id).is_not(None), col(Meeting.series_id).is_(None))
            .order_by(col(Meeting.id).desc())
            .limit(1)
        ).first()
        return person_label(session, last) if last is not None else ""


def _tell_invitees(session: Session, meeting: Meeting) -> None:
    """A change invitees must know: a new SEQUENCE and every invitation marked for an update
    (an occurrence of a series shares the series' invitations)."""
    meeting.sequence += 1
    invited_at = meeting.series_id or meeting.id
    session.exec(  # type: ignore[call-overload]
        update(Invitation).where(col(Invitation.meeting_id) == invited_at).values(needs_update=True)
    )


def update_meeting(
    engine: Engine, meeting_id: int, data: MeetingInput, *, expected_version: int | None = None
) -> bool:
    """Save changes; returns True when invitees must be told (time or place changed of a
    confirmed meeting). EditConflict when somebody saved since ``expected_version``."""
    with transaction(engine) as session:
        meeting = locked(session, Meeting, meeting_id)
        check(session, meeting, expected_version, "meeting")
        clean, organiser = _checked(session, data)
        if meeting.series_id is None:  # an occurrence has its series' organiser
            meeting.organiser_id = organiser
        before = (
            meeting.starts_at,
            meeting.ends_at,
            meeting.location,
            meeting.online_url,
            meeting.rrule,
            meeting.all_day,
        )
        _apply(meeting, clean)
        meeting.version += 1
        after = (
            meeting.starts_at,
            meeting.ends_at,
            meeting.location,
            meeting.online_url,
            meeting.rrule,
            meeting.all_day,
        )
        if before != after and meeting.status == MeetingStatus.CONFIRMED:
            _tell_invitees(session, meeting)
            return True
        return False


def set_status(engine: Engine, meeting_id: int, status: MeetingStatus) -> None:
    """Confirm or cancel a meeting (a whole series when it is a master). Cancelling marks
    every invitee to be notified."""
    with transaction(engine) as session:
        meeting = locked(session, Meeting, meeting_id)  # its version counts every change
        if meeting.status == status:
            return
        meeting.status = status
        meeting.version += 1
        meeting.updated_at = datetime.now(UTC)
        if status == MeetingStatus.CANCELLED:
            _tell_invitees(session, meeting)


def occurrence(engine: Engine, series_id: int, original_start: datetime) -> int:
    """The row of one occurrence of a series, made when first needed (to prepare it: its own
    agenda or minutes). A new one starts with the open tasks of the series' earlier meetings
    on its agenda ("follow-up of agreed steps"); the coordinator can remove them. Returns its id."""
    from coordinator.meetings.agenda import carry_open_tasks

    with transaction(engine) as session:
        existing = session.exec(
            select(Meeting.id).where(
                Meeting.series_id == series_id,
                Meeting.recurrence_id == original_start.astimezone(UTC),
            )
        ).first()
        row = _occurrence(session, series_id, original_start)
        if existing is None:
            carry_open_tasks(session, row.id or 0)
        return row.id or 0


def _occurrence(session: Session, series_id: int, original_start: datetime) -> Meeting:
    original_start = original_start.astimezone(UTC)
    found = session.exec(
        select(Meeting).where(
            Meeting.series_id == series_id, Meeting.recurrence_id == original_start
        )
    ).first()
    if found is not None:
        return found
    master = session.get(Meeting, series_id)
    if master is None or not master.rrule:
        raise LookupError(series_id)
    window = (original_start - timedelta(minutes=1), original_start + timedelta(minutes=1))
    if original_start not in occurrences_between(
        master.rrule, master.starts_at, master.timezone, *window
    ):
        raise ValidationError({"occurrence": _("The series has no meeting at that time.")})
    row = Meeting(
        uid=f"{master.uid}#{original_start:%Y%m%dT%H%M%SZ}",
        title=master.title,
        kind=master.kind,
        starts_at=original_start,
        ends_at=original_start + (master.ends_at - master.starts_at),
        all_day=master.all_day,
        timezone=master.timezone,
        location=master.location,
        online_url=master.online_url,
        organiser_id=master.organiser_id,
        status=master.status,
        language=master.language,
        series_id=master.id,
        recurrence_id=original_start,
        sequence=master.sequence,
    )
    session.add(row)
    session.flush()
    return row


def move_occurrence(
    engine: Engine, series_id: int, original_start: datetime, new_start: datetime
) -> int:
    """Move one meeting of a series; the others stay where they are."""
    with transaction(engine) as session:
        row = _occurrence(session, series_id, original_start)
        length = row.ends_at - row.starts_at
        row.starts_at, row.ends_at = new_start.astimezone(UTC), new_start.astimezone(UTC) + length
        session.flush()
        _tell_for_occurrence(session, row)
        return row.id or 0


def cancel_occurrence(engine: Engine, series_id: int, original_start: datetime) -> int:
    """Cancel one meeting of a series; the others stay."""
    with transaction(engine) as session:
        row = _occurrence(session, series_id, original_start)
        row.status = MeetingStatus.CANCELLED
        _tell_for_occurrence(session, row)
        return row.id or 0


def _tell_for_occurrence(session: Session, row: Meeting) -> None:
    row.sequence += 1
    session.exec(  # type: ignore[call-overload]
        update(Invitation)
        .where(col(Invitation.meeting_id) == row.series_id)
        .values(needs_update=True)
    )


def input_of(engine: Engine, meeting_id: int) -> MeetingInput:
    with reading(engine) as session:
        m = session.get(Meeting, meeting_id)
        if m is None:
            raise LookupError(meeting_id)
        local_start = m.starts_at.astimezone(zone(m.timezone))
        local_end = m.ends_at.astimezone(zone(m.timezone))
        until, count = _end_of(m.rrule, m.timezone)
        return MeetingInput(
            title=m.title, kind=m.kind.value, day=local_start.date().isoformat(),
            start=f"{local_start:%H:%M}", end=f"{local_end:%H:%M}", all_day=m.all_day, timezone=m.timezone,
            location=m.location, online_url=m.online_url, language=language_name(m.language), notes=m.notes,
            repeat=_repeat_of(m.rrule), until=until, count=count, rule=m.rrule,
            organiser=person_label(session, m.organiser_id) if m.organiser_id else "",
        )  # fmt: skip


def _end_of(rule: str, tz: str) -> tuple[str, str]:
    """The form's "until" (a local date) and "count" of a stored rule, so editing keeps them."""
    parts = dict(part.split("=", 1) for part in rule.upper().split(";") if "=" in part)
    if "COUNT" in parts:
        return "", parts["COUNT"]
    if "UNTIL" in parts:
        value = parts["UNTIL"]
        moment = (
            datetime.strptime(value[:15], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
            if "T" in value
            else None
        )
        day = (
            moment.astimezone(zone(tz)).date()
            if moment
            else datetime.strptime(value[:8], "%Y%m%d").date()
        )
        return day.isoformat(), ""
    return "", ""


def _repeat_of(rule: str) -> str:
    """The form's choice for a stored rule; "custom" when the form cannot express it (an
    imported rule), so that saving the form keeps it unchanged."""
    if not rule:
        return "none"
    parts = dict(part.split("=", 1) for part in rule.upper().split(";") if "=" in part)
    extra = set(parts) - {"FREQ", "INTERVAL", "BYDAY", "COUNT", "UNTIL", "WKST"}
    interval = parts.get("INTERVAL", "1")
    byday = parts.get("BYDAY", "")
    if extra or "," in byday:
        return "custom"
    if (
        parts.get("FREQ") == "WEEKLY"
        and interval in ("1", "2")
        and not byday[:-2].strip("+-0123456789")
    ):
        return "biweekly" if interval == "2" else "weekly"
    if parts.get("FREQ") == "MONTHLY" and interval == "1" and byday[:-2].lstrip("+-").isdigit():
        return "monthly"
    return "custom"
