"""Importing calendar files, first step: a preview of what each event will do, against the
network as it is.

Rules (RFC 5546): events are matched by UID (an occurrence of a series by UID and
RECURRENCE-ID); a lower SEQUENCE never overwrites a higher one, and at the same SEQUENCE
only a newer change (LAST-MODIFIED or DTSTAMP after our own last change) does; an unchanged
event changes nothing, so importing a file twice is harmless. METHOD:CANCEL cancels,
METHOD:REPLY records one invitee's answer. Attendees are matched to people by e-mail
address; unknown ones are added to the register.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlmodel import Session, col

from coordinator.calendar.addresses import Organisations
from coordinator.calendar.parsing import (
    Address,
    BadEvent,
    CalendarFile,
    IncomingEvent,
)
from coordinator.i18n import _, ngettext
from coordinator.meetings.recurrence import is_a_date_of
from coordinator.validation import is_email
from storage.enums import MeetingStatus
from storage.models import (
    Invitation,
    Meeting,
    Person,
)
from storage.uow import reading

NEW, UPDATED, UNCHANGED, OLDER, CANCELLED, REPLY, IGNORED = (
    "new", "updated", "unchanged", "older", "cancelled", "reply", "ignored",
)  # fmt: skip
CHANGING = (NEW, UPDATED, CANCELLED, REPLY)
_CHUNK = 500


class ImportCancelled(Exception):
    """The coordinator stopped the import; nothing was written."""


def action_label(action: str) -> str:
    """What an event of the file does, for the preview."""
    return {
        NEW: _("new"),
        UPDATED: _("updated"),
        UNCHANGED: _("unchanged"),
        OLDER: _("older, ignored"),
        CANCELLED: _("cancelled"),
        REPLY: _("reply"),
        IGNORED: _("ignored"),
    }[action]


@dataclass(frozen=True)
class PlanRow:
    """What one event of the file will do."""

    action: str
    uid: str
    title: str
    starts_at: datetime | None
    timezone: str
    detail: str
    line: int


@dataclass(frozen=True)
class Note:
    """Something the coordinator should know about one event of the file before importing."""

    line: int
    title: str
    text: str


@dataclass
class ImportPlan:
    file_name: str
    rows: list[PlanRow]
    skipped: dict[str, int] = field(default_factory=dict)
    bad: list[BadEvent] = field(default_factory=list)  # events that cannot be imported
    passed_over: list[BadEvent] = field(default_factory=list)  # lines outside events
    notes: list[Note] = field(default_factory=list)  # cut, left out, twice in the file ...
    people_added: int = 0  # to the register, by their addresses
    people_affiliated: int = 0  # of those: to an organisation, by its name or web domain

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def changes(self) -> int:
        return sum(1 for row in self.rows if row.action in CHANGING)

    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in _SUMMED}

    def summary(self) -> str:
        return describe_counts(self.counts())


_SUMMED = (NEW, UPDATED, CANCELLED, REPLY, UNCHANGED, OLDER, IGNORED)


def describe_counts(counts: dict[str, int]) -> str:
    """What an import did, in the user's language: "3 new, 1 updated, ..."."""
    n = {action: counts.get(action, 0) for action in _SUMMED}
    parts = [
        _("{n} new").format(n=n[NEW]),
        _("{n} updated").format(n=n[UPDATED]),
        _("{n} cancelled").format(n=n[CANCELLED]),
        ngettext("{n} reply", "{n} replies", n[REPLY]).format(n=n[REPLY]),
        _("{n} unchanged").format(n=n[UNCHANGED]),
        _("{n} older and ignored").format(n=n[OLDER]),
        _("{n} ignored").format(n=n[IGNORED]),
    ]
    return ", ".join(parts)


def describe_people(plan: ImportPlan) -> str:
    """How many people the import adds to the register: "3 new people in the register (1 of
    them to their organisation)"."""
    added = ngettext(
        "{n} new person in the register", "{n} new people in the register", plan.people_added
    ).format(n=plan.people_added)
    if plan.people_affiliated:
        added += " " + _("({n} of them to their organisation)").format(n=plan.people_affiliated)
    return added


def stored_summary(text: str) -> str:
    """An import's summary as kept (its counts as JSON; imports recorded before 2026-12-01
    kept the text in the language of the time), said in the user's language now."""
    try:
        counts = json.loads(text)
    except ValueError:
        return text
    return describe_counts(counts) if isinstance(counts, dict) else text


# --- the state of the database -------------------------------------------------------------


def chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


KEPT = (
    "title", "starts_at", "ends_at", "all_day", "timezone", "location", "online_url", "notes",
    "status", "rrule",
)  # fmt: skip


@dataclass
class StoredMeeting:
    meeting: Meeting
    occurrences: dict[datetime, Meeting] = field(default_factory=dict)
    invitations: dict[int, Invitation] = field(default_factory=dict)  # by person id


@dataclass
class PlanState:
    """The rows an import may touch, loaded in a few queries."""

    session: Session
    meetings: dict[str, StoredMeeting] = field(default_factory=dict)  # by UID
    people: dict[str, int] = field(default_factory=dict)  # lower-case e-mail -> id
    addresses: dict[int, str] = field(default_factory=dict)  # invited person -> e-mail
    new_people: dict[str, Address] = field(default_factory=dict)
    verdicts: dict[str, bool] = field(default_factory=dict)  # e-mail -> valid (see checked)
    _organisations: Organisations | None = None

    def organisations(self) -> Organisations:
        """The register's organisations, for the people an import adds (loaded once)."""
        if self._organisations is None:
            self._organisations = Organisations.load(self.session)
        return self._organisations

    @classmethod
    def load(cls, session: Session, events: list[IncomingEvent]) -> PlanState:
        state = cls(session)
        uids = sorted({e.uid for e in events})
        for chunk in chunks(uids):
            for meeting in session.exec(  # type: ignore[call-overload]
                select(Meeting).where(col(Meeting.uid).in_(chunk), col(Meeting.series_id).is_(None))
            ).scalars():
                state.meetings[meeting.uid] = StoredMeeting(meeting)
        by_id = {s.meeting.id: s for s in state.meetings.values()}
        ids = sorted(i for i in by_id if i is not None)
        for chunk in chunks(ids):
            for row in session.exec(  # type: ignore[call-overload]
                select(Meeting).where(col(Meeting.series_id).in_(chunk))
            ).scalars():
                if row.recurrence_id is not None:
                    by_id[row.series_id].occurrences[row.recurrence_id] = row
            for invitation, email in session.execute(
                select(Invitation, Person.email)
                .join(Person, col(Person.id) == col(Invitation.person_id))
                .where(col(Invitation.meeting_id).in_(chunk), col(Person.erased_at).is_(None))
            ):
                if email:  # only people with an address can be in a calendar file
                    by_id[invitation.meeting_id].invitations[invitation.person_id] = invitation
                    state.addresses[invitation.person_id] = email.lower()
        emails = sorted(
            {
                a.email.lower()
                for e in events
                for a in ([e.organiser] if e.organiser else []) + e.attendees
            }
        )
        living = col(Person.erased_at).is_(None)
        if len(emails) > 2 * _CHUNK:  # many addresses: one pass over the register is cheaper
            wanted = set(emails)
            state.people = {key: pid for key, pid in known_people(session).items() if key in wanted}
        else:
            for chunk in chunks(emails):
                for pid, email in session.execute(
                    select(Person.id, func.lower(Person.email)).where(
                        func.lower(Person.email).in_(chunk), living
                    )
                ):
                    state.people.setdefault(email, pid)
        return state


def known_people(session: Session) -> dict[str, int]:
    """Everyone in the register with an address, by the address in lower case (one pass)."""
    people: dict[str, int] = {}
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute("SELECT id, email FROM person WHERE erased_at IS NULL AND email != ''")
        for pid, email in cursor.fetchall():
            people.setdefault(email.lower(), pid)
    finally:
        cursor.close()
    return people


# --- planning ------------------------------------------------------------------------------


def _same(stored: Meeting, event: IncomingEvent) -> bool:
    return all(getattr(stored, name) == getattr(event, name) for name in KEPT)


def _exdates_of(stored: StoredMeeting) -> set[datetime]:
    return {
        when for when, row in stored.occurrences.items() if row.status == MeetingStatus.CANCELLED
    }


def _attendees_same(state: PlanState, stored: StoredMeeting, event: IncomingEvent) -> bool:
    if not event.attendees:
        return True  # a file without attendees leaves the invitations as they are
    wanted = {(a.email.lower(), a.rsvp) for a in event.attendees}
    have = {(state.addresses[pid], inv.rsvp) for pid, inv in stored.invitations.items()}
    return wanted == have


def _newer(stored: Meeting, event: IncomingEvent) -> bool:
    if event.sequence != stored.sequence:
        return event.sequence > stored.sequence
    return event.stamp is not None and event.stamp > stored.updated_at


def plan_row(action: str, event: IncomingEvent, detail: str = "") -> PlanRow:
    return PlanRow(
        action, event.uid, event.title, event.starts_at, event.timezone, detail, event.line
    )


def _decide(state: PlanState, event: IncomingEvent, masters: dict[str, IncomingEvent]) -> PlanRow:
    stored = state.meetings.get(event.uid)
    if event.method == "REPLY":
        return _decide_reply(state, stored, event)
    if event.recurrence_id is not None:
        if stored is None and event.uid not in masters:
            return plan_row(IGNORED, event, _("Belongs to a series that is not in the database."))
        if stored is None:
            return plan_row(NEW if event.method != "CANCEL" else CANCELLED, event)
        row = stored.occurrences.get(event.recurrence_id)
        if row is None:
            return plan_row(CANCELLED if event.status == MeetingStatus.CANCELLED else NEW, event)
        return _compare(row, event, attendees_same=True)
    if stored is None:
        if event.method == "CANCEL":
            return plan_row(IGNORED, event, _("Not in the database."))
        return plan_row(NEW, event)
    same_exdates = set(event.exdates) == _exdates_of(stored) or event.method == "CANCEL"
    return _compare(
        stored.meeting,
        event,
        attendees_same=_attendees_same(state, stored, event) and same_exdates,
    )


def _compare(stored: Meeting, event: IncomingEvent, *, attendees_same: bool) -> PlanRow:
    if event.method == "CANCEL":
        if stored.status == MeetingStatus.CANCELLED:
            return plan_row(UNCHANGED, event)
        if event.sequence < stored.sequence:
            return plan_row(OLDER, event, _("The database holds a newer version."))
        return plan_row(CANCELLED, event)
    if _same(stored, event) and attendees_same:
        return plan_row(UNCHANGED, event)
    if not _newer(stored, event):
        return plan_row(OLDER, event, _("The database holds a newer version."))
    if event.status == MeetingStatus.CANCELLED and stored.status != MeetingStatus.CANCELLED:
        return plan_row(CANCELLED, event)
    return plan_row(UPDATED, event)


def _decide_reply(state: PlanState, stored: StoredMeeting | None, event: IncomingEvent) -> PlanRow:
    if stored is None:
        return plan_row(IGNORED, event, _("Not in the database."))
    if len(event.attendees) != 1:
        return plan_row(IGNORED, event, _("A reply must name exactly one invitee."))
    answer = event.attendees[0]
    pid = state.people.get(answer.email.lower())
    invitation = stored.invitations.get(pid) if pid is not None else None
    if invitation is None:
        return plan_row(IGNORED, event, _("{email} is not invited.").format(email=answer.email))
    title = stored.meeting.title
    starts = stored.meeting.starts_at
    detail = f"{answer.name or answer.email}: {answer.rsvp.value}"
    current: Invitation | None = invitation
    if event.recurrence_id is not None:  # the answer for one date of the series
        row = stored.occurrences.get(event.recurrence_id)
        if row is None and not is_a_date_of(
            stored.meeting.rrule, stored.meeting.starts_at, stored.meeting.timezone,
            event.recurrence_id,
        ):  # fmt: skip
            return plan_row(IGNORED, event, _("The series has no meeting at that time."))
        own = (
            state.session.execute(
                select(Invitation).where(
                    col(Invitation.meeting_id) == row.id, col(Invitation.person_id) == pid
                )
            ).scalar()
            if row is not None
            else None
        )
        starts = event.recurrence_id
        if own is None and invitation.rsvp != answer.rsvp:
            return PlanRow(REPLY, event.uid, title, starts, "", detail, event.line)
        current = own or invitation
    assert current is not None
    if current.rsvp == answer.rsvp:
        return PlanRow(UNCHANGED, event.uid, title, starts, "", detail, event.line)
    if (
        current.responded_at is not None
        and event.stamp is not None
        and event.stamp < current.responded_at
    ):
        return PlanRow(OLDER, event.uid, title, starts, "", detail, event.line)
    return PlanRow(REPLY, event.uid, title, starts, "", detail, event.line)


def checked(state: PlanState, events: Iterable[IncomingEvent]) -> None:
    """Leave out the organisers and attendees that the register would refuse: an address
    not already in it that is not a valid e-mail address ("mailto:not an email",
    "<script>@x"); each is noted on its event for the preview. (The register holds valid
    addresses only, so a known one needs no check: a partner's feed repeats them.)"""
    known, verdicts = state.people, state.verdicts
    for event in events:
        if event.organiser is not None and not _acceptable(event.organiser, known, verdicts):
            _left_out(event, _("Organiser"), event.organiser)
            event.organiser = None
        attendees = event.attendees
        if all(a.email.lower() in known or verdicts.get(a.email) for a in attendees):
            continue
        kept = []
        for address in attendees:
            if _acceptable(address, known, verdicts):
                kept.append(address)
            else:
                _left_out(event, _("Attendee"), address)
        event.attendees = kept


def _acceptable(address: Address, known: dict[str, int], verdicts: dict[str, bool]) -> bool:
    if address.email.lower() in known:
        return True
    verdict = verdicts.get(address.email)
    if verdict is None:
        verdict = verdicts[address.email] = is_email(address.email)
    return verdict


def _left_out(event: IncomingEvent, role: str, address: Address) -> None:
    event.notes_on_import.append(
        _("{role} “{address}” left out: not a valid e-mail address.").format(
            role=role, address=address.email[:80]
        )
    )


def plan_events(state: PlanState, calendar: CalendarFile, file_name: str) -> ImportPlan:
    checked(state, calendar.events)
    # Series this file brings (a CANCEL of one not in the database brings none: its dates
    # belong to nothing).
    masters = {
        e.uid: e
        for e in calendar.events
        if e.recurrence_id is None and e.rrule and e.method not in ("CANCEL", "REPLY")
    }
    latest: dict[tuple[str, datetime | None, str], IncomingEvent] = {}
    for event in calendar.events:  # the same event twice in a file: the newest counts
        key = (event.uid, event.recurrence_id, event.method == "REPLY" and _email(event))
        before = latest.get(key)  # type: ignore[arg-type]
        if before is None or (event.sequence, event.stamp or datetime.min.replace(tzinfo=UTC)) >= (
            before.sequence,
            before.stamp or datetime.min.replace(tzinfo=UTC),
        ):
            latest[key] = event  # type: ignore[index]
    chosen = list(latest.values())
    rows = [_decide(state, event, masters) for event in chosen]
    plan = ImportPlan(
        file_name, rows, dict(calendar.skipped), list(calendar.bad), list(calendar.passed_over)
    )
    plan.notes.extend(notes_of(calendar.events))
    if len(chosen) < len(calendar.events):
        for event in calendar.events:
            kept = latest[
                (event.uid, event.recurrence_id, event.method == "REPLY" and _email(event))
            ]  # type: ignore[index]
            if kept is not event:
                plan.notes.append(
                    Note(
                        event.line,
                        event.title,
                        _("The UID is in the file again on line {line}: that one counts.").format(
                            line=kept.line
                        ),
                    )
                )
    _count_people(
        state,
        plan,
        [
            e
            for e, r in zip(chosen, rows, strict=True)
            if r.action in CHANGING and r.action != REPLY
        ],
    )
    plan.notes.sort(key=lambda note: note.line)
    return plan


def notes_of(events: Iterable[IncomingEvent]) -> list[Note]:
    """What the reader and the checks noted on the events (cut, left out ...), for the preview."""
    return [Note(e.line, e.title, text) for e in events for text in e.notes_on_import]


def _count_people(state: PlanState, plan: ImportPlan, events: list[IncomingEvent]) -> None:
    """How many people the import adds to the register, and how many to an organisation."""
    new: dict[str, Address] = {}
    for event in events:
        for address in ([event.organiser] if event.organiser else []) + event.attendees:
            email = address.email.lower()
            if email not in state.people and email not in new:
                new[email] = address
    plan.people_added = len(new)
    if new:
        organisations = state.organisations()
        plan.people_affiliated = sum(
            1 for address in new.values() if organisations.of(address)[0] is not None
        )


def _email(event: IncomingEvent) -> str:
    return event.attendees[0].email.lower() if event.attendees else ""


def preview(engine: Engine, calendar: CalendarFile, file_name: str) -> ImportPlan:
    """What importing the file would do, per event; nothing is written."""
    with reading(engine) as session:
        return plan_events(PlanState.load(session, calendar.events), calendar, file_name)


# --- applying ------------------------------------------------------------------------------
