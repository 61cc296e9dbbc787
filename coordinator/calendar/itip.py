"""Calendar messages about one meeting (RFC 5546): METHOD:REQUEST invitations with ORGANIZER
and one ATTENDEE per invitee (the same UID with a higher SEQUENCE is an update; for one
recipient, only their own ATTENDEE line), METHOD:CANCEL for a meeting, a series or one
occurrence, a date poll's candidate slots as tentative holds and their release, and which of
these files a meeting has."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select

from coordinator.calendar.events import (
    CalendarWriter,
    Event,
    load_event,
    load_events,
    load_organisers,
    load_participants,
    load_rows,
)
from coordinator.i18n import _, translator
from coordinator.validation import ValidationError
from storage.enums import MeetingStatus
from storage.models import DatePoll, Invitation, Meeting, PollSlot
from storage.uow import reading


def _one(engine: Engine, meeting_id: int) -> tuple[Event, Event | None]:
    """A meeting, and its series' master when it is one occurrence."""
    event = load_event(engine, meeting_id)
    if event is None:
        raise LookupError(meeting_id)
    master = load_event(engine, event.series_id) if event.series_id is not None else None
    if master is None and event.rrule:
        event = next(e for e in load_events(engine, None, [event.id]))
    return event, master


def _invitees_of(engine: Engine, event: Event, master: Event | None):  # type: ignore[no-untyped-def]
    invited_at = master.id if master is not None else event.id
    invitees, _by_id = load_participants(engine, [invited_at])
    owner = master.organiser_id if master is not None else event.organiser_id
    organiser = load_organisers(engine, {owner} if owner else set()).get(owner or 0)
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
    invitees, _by_id = load_participants(engine, [invited_at])
    wanted = {"de" if p.language == "de" else "en" for p, _r in invitees.get(invited_at, [])}
    return sorted(wanted) or ["de" if event.language == "de" else "en"]


def _only(invitees: list, email: str | None) -> list:  # type: ignore[type-arg]
    """The invitees a file for ``email`` may name: that person alone (a recipient sees only
    what is theirs, never the others' names and addresses); everyone without ``email``."""
    if email is None:
        return invitees
    wanted = email.strip().casefold()
    return [(p, r) for p, r in invitees if p.email.strip().casefold() == wanted]


def _with_date_answers(engine: Engine, invitees: list, meeting_ids: list[int]) -> dict[int, list]:  # type: ignore[type-arg]
    """The series' invitees for each date row in ``meeting_ids``, each with the answer given
    for that date where there is one (the series' answer otherwise)."""
    if not meeting_ids:
        return {}
    own, _by_id = load_participants(engine, meeting_ids)
    dated = {}
    for meeting_id in meeting_ids:
        answers = {p.email.casefold(): r for p, r in own.get(meeting_id, [])}
        dated[meeting_id] = [(p, answers.get(p.email.casefold(), r)) for p, r in invitees]
    return dated


def _answered_dates(engine: Engine, series: Event) -> list[Event]:
    """Dates of a series that differ from it only by somebody's answer for that date."""
    if not series.rrule:
        return []
    with reading(engine) as session:
        ids = (
            session.execute(
                select(Meeting.id)
                .join(Invitation, Invitation.meeting_id == Meeting.id)  # type: ignore[arg-type]
                .where(Meeting.series_id == series.id, Meeting.status != MeetingStatus.CANCELLED)  # type: ignore[arg-type]
                .distinct()
            )
            .scalars()
            .all()
        )
    known = {o.id for o in series.overrides}
    return load_rows(engine, (i for i in ids if i is not None and i not in known))


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
    from coordinator.meetings.agenda_files import calendar_description

    event, master = _one(engine, meeting_id)
    organiser, invitees = _invitees_of(engine, event, master)
    invitees = _only(invitees, for_email)
    # A date's own answers (a "no" for one date) travel as that date's PARTSTAT, in a
    # RECURRENCE-ID event of their own when nothing else about the date changed.
    overrides = event.overrides + _answered_dates(engine, event) if master is None else []
    dated = _with_date_answers(
        engine, invitees, [o.id for o in overrides] + ([event.id] if master else [])
    )
    writer = CalendarWriter(now, reminder_minutes)
    description = calendar_description(engine, meeting_id, language)
    writer.vevent(
        event,
        master=master,
        organiser=organiser,
        invitees=dated.get(event.id, invitees),
        description=description,
        language=language,
    )
    for override in overrides:  # a series' moved occurrences travel with it
        writer.vevent(
            override, master=event, organiser=organiser, invitees=dated.get(override.id, invitees)
        )
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
    writer = CalendarWriter(now)
    # Cancelling raised the SEQUENCE already (meetings.set_status, cancel_occurrence).
    writer.vevent(event, master=master, organiser=organiser, invitees=invitees)
    return writer.calendar(["METHOD:CANCEL"])


def _poll(
    engine: Engine, poll_id: int
) -> tuple[Event, list[tuple[int, str, datetime, datetime]], int | None]:
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
    writer = CalendarWriter(now)
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


def _hold(event: Event, uid: str, starts: datetime, ends: datetime, sequence: int) -> Event:
    return Event(
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
    writer = CalendarWriter(now)
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
