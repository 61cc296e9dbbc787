"""Finding a date (Terminfindung): candidate slots, each invitee's availability, a ranking,
and choosing the slot that confirms the meeting and closes the poll."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, update
from sqlmodel import Session, col, select

from coordinator.i18n import _
from coordinator.meetings.conflicts import busy
from coordinator.meetings.recurrence import zone
from coordinator.meetings.schedule import RowSource
from coordinator.validation import ValidationError
from storage.enums import Availability, MeetingStatus, PollStatus
from storage.models import DatePoll, Invitation, Meeting, Person, PollSlot, PollVote
from storage.uow import reading, transaction

EVENING_FROM_HOUR = 17  # volunteers meet after work ...
WEEKEND = (5, 6)  # ... or on Saturdays and Sundays


def create_poll(
    engine: Engine,
    meeting_id: int,
    slots: list[tuple[datetime, datetime]],
    *,
    volunteers: bool = False,
) -> int:
    errors = {}
    if len(slots) < 2:
        errors["slots"] = _("Propose at least two dates.")
    if any(end <= start for start, end in slots):
        errors["slots"] = _("A proposed date ends before it starts.")
    if errors:
        raise ValidationError(errors)
    with transaction(engine) as session:
        if session.get(Meeting, meeting_id) is None:
            raise LookupError(meeting_id)
        poll = DatePoll(meeting_id=meeting_id, volunteers=volunteers)
        session.add(poll)
        session.flush()
        for start, end in sorted(slots):
            session.add(PollSlot(poll_id=poll.id, starts_at=start, ends_at=end))
        assert poll.id is not None
        return poll.id


def record_answer(engine: Engine, slot_id: int, person_id: int, answer: Availability) -> None:
    with transaction(engine) as session:
        slot = session.get(PollSlot, slot_id)
        if slot is None:
            raise LookupError(slot_id)
        poll = session.get(DatePoll, slot.poll_id)
        if poll is None or poll.status != PollStatus.OPEN:
            raise ValidationError({"poll": _("The poll is closed.")})
        vote = session.get(PollVote, (slot_id, person_id))
        if vote is None:
            session.add(PollVote(slot_id=slot_id, person_id=person_id, answer=answer))
        else:
            vote.answer = answer


@dataclass(frozen=True)
class SlotScore:
    slot_id: int
    starts_at: datetime
    ends_at: datetime
    yes: int
    if_need_be: int
    no: int
    conflicts: int
    volunteer_friendly: bool


@dataclass(frozen=True)
class PollMatrix:
    poll_id: int
    meeting_id: int
    timezone: str
    volunteers: bool
    status: PollStatus
    slots: list[tuple[int, datetime, datetime]]
    people: list[tuple[int, str]]
    answers: dict[tuple[int, int], Availability]  # (person, slot) -> answer


def matrix(engine: Engine, poll_id: int) -> PollMatrix:
    """Invitees by slot: who can when."""
    with reading(engine) as session:
        poll = session.get(DatePoll, poll_id)
        if poll is None:
            raise LookupError(poll_id)
        meeting = session.get(Meeting, poll.meeting_id)
        assert meeting is not None
        slots = list(
            session.exec(
                select(PollSlot)
                .where(PollSlot.poll_id == poll_id)
                .order_by(col(PollSlot.starts_at))
            )
        )
        slot_ids = [s.id for s in slots]
        votes = session.exec(select(PollVote).where(col(PollVote.slot_id).in_(slot_ids))).all()
        invited = set(
            session.exec(
                select(Invitation.person_id).where(Invitation.meeting_id == meeting.id)
            ).all()
        )
        voters = {v.person_id for v in votes}
        people = session.exec(
            select(Person.id, Person.given_name, Person.family_name)
            .where(col(Person.id).in_(invited | voters))
            .order_by(col(Person.sort_name))
        ).all()
        return PollMatrix(
            poll_id=poll_id,
            meeting_id=meeting.id or 0,
            timezone=meeting.timezone,
            volunteers=poll.volunteers,
            status=poll.status,
            slots=[(s.id or 0, s.starts_at, s.ends_at) for s in slots],
            people=[(pid, f"{g} {f}".strip()) for pid, g, f in people],
            answers={(v.person_id, v.slot_id): v.answer for v in votes},
        )


def volunteer_friendly(start: datetime, timezone: str) -> bool:
    local = start.astimezone(zone(timezone))
    return local.weekday() in WEEKEND or local.hour >= EVENING_FROM_HOUR


def ranking(engine: Engine, source: RowSource, poll_id: int) -> list[SlotScore]:
    """Slots best first: most yes, then most if-need-be, then (for volunteers) evenings and
    weekends before office hours, then fewest invitees with another meeting then."""
    grid = matrix(engine, poll_id)
    person_ids = [pid for pid, _name in grid.people]
    scores = []
    for slot_id, start, end in grid.slots:
        answers = [grid.answers.get((pid, slot_id)) for pid in person_ids]
        clashes = busy(source, person_ids, start, end, ignore_meeting_id=grid.meeting_id)
        scores.append(
            SlotScore(
                slot_id, start, end,
                answers.count(Availability.YES), answers.count(Availability.IF_NEED_BE), answers.count(Availability.NO),
                len(clashes), volunteer_friendly(start, grid.timezone),
            )
        )  # fmt: skip

    def key(score: SlotScore) -> tuple[int, int, int, int, datetime]:
        friendly = 0 if (score.volunteer_friendly or not grid.volunteers) else 1
        return (-score.yes, -score.if_need_be, friendly, score.conflicts, score.starts_at)

    return sorted(scores, key=key)


def choose_slot(engine: Engine, poll_id: int, slot_id: int) -> None:
    """Fix the meeting on the chosen slot: confirmed, poll closed, invitees to be told."""
    with transaction(engine) as session:
        poll = session.get(DatePoll, poll_id)
        slot = session.get(PollSlot, slot_id)
        if poll is None or slot is None or slot.poll_id != poll_id:
            raise LookupError((poll_id, slot_id))
        if poll.status != PollStatus.OPEN:
            raise ValidationError({"poll": _("The poll is closed.")})
        meeting = session.get(Meeting, poll.meeting_id)
        assert meeting is not None
        if _never_sent(session, meeting):
            # The hold for this slot becomes the meeting in the invitees' calendars: the
            # invitation carries its UID with a higher SEQUENCE (see coordinator/calendar/itip.py).
            meeting.uid = slot.uid
        meeting.starts_at, meeting.ends_at = slot.starts_at, slot.ends_at
        meeting.status = MeetingStatus.CONFIRMED
        meeting.sequence += 1
        meeting.version += 1
        meeting.updated_at = datetime.now(UTC)
        session.exec(
            update(Invitation)
            .where(col(Invitation.meeting_id) == meeting.id)
            .values(needs_update=True)
        )  # type: ignore[call-overload]
        poll.status = PollStatus.CLOSED
        poll.chosen_slot_id = slot_id


def _never_sent(session: Session, meeting: Meeting) -> bool:
    """A single meeting nobody has been told about yet (no series, never confirmed)."""
    occurrences = session.exec(select(Meeting.id).where(Meeting.series_id == meeting.id)).first()
    return (
        not meeting.rrule
        and occurrences is None
        and meeting.sequence == 0
        and meeting.status == MeetingStatus.PLANNED
    )


def delete_poll(engine: Engine, poll_id: int) -> None:
    with transaction(engine) as session:
        session.exec(delete(DatePoll).where(col(DatePoll.id) == poll_id))  # type: ignore[call-overload]


def parse_slots(text: str, timezone: str) -> list[tuple[datetime, datetime]]:
    """Candidate slots typed one per line (or separated by ;) as "2027-02-03 18:00-20:00" or
    "03.02.2027 18:00-20:00", in the meeting's time zone."""
    from datetime import datetime as dt
    from datetime import time

    from coordinator.validation import Checker

    tz = zone(timezone)
    check = Checker()
    slots = []
    for part in [p.strip() for p in text.replace(";", "\n").splitlines() if p.strip()]:
        try:
            day_text, hours = part.split()
            start_text, end_text = hours.split("-")
            day = check.date("slots", day_text)
            start = time.fromisoformat(start_text.strip().zfill(5))
            end = time.fromisoformat(end_text.strip().zfill(5))
        except ValueError:
            check.fail("slots", _("Not a date and time span: {text}").format(text=part))
            continue
        if day is None:
            continue
        slots.append(
            (dt.combine(day, start, tz).astimezone(UTC), dt.combine(day, end, tz).astimezone(UTC))
        )
    check.check()
    return slots
