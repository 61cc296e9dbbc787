"""Importing calendar files: a preview of what each event will do, then all of it in one
transaction or nothing, and an undo of the last import that restores the state before it.

Rules (RFC 5546): events are matched by UID (an occurrence of a series by UID and
RECURRENCE-ID); a lower SEQUENCE never overwrites a higher one, and at the same SEQUENCE
only a newer change (LAST-MODIFIED or DTSTAMP after our own last change) does; an unchanged
event changes nothing, so importing a file twice is harmless. METHOD:CANCEL cancels,
METHOD:REPLY records one invitee's answer. Attendees are matched to people by e-mail
address; unknown ones are added to the register.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select
from sqlmodel import Session, SQLModel, col

from coordinator.bulk import paused_gc
from coordinator.calendar.parsing import (
    Address,
    CalendarFile,
    IncomingEvent,
    iter_events,
    read_calendar,
)
from coordinator.i18n import _, ngettext
from coordinator.recurrence import RecurrenceError, last_occurrence
from coordinator.validation import ValidationError
from storage.bulk import BulkWriter
from storage.enums import MeetingStatus, Rsvp
from storage.models import (
    Affiliation,
    AgendaItem,
    CalendarImport,
    CalendarImportChange,
    DatePoll,
    Invitation,
    Meeting,
    Minutes,
    Person,
    Task,
)
from storage.search import search_key
from storage.uow import reading, transaction

_NO_REPLY = Rsvp.NO_REPLY  # (enum members looked up once: this runs per invitation)
_VALUES = {member: member.value for member in Rsvp}
_INVITATION_COLUMNS = (
    "meeting_id",
    "person_id",
    "rsvp",
    "needs_update",
    "invited_at",
    "responded_at",
)
NEW, UPDATED, UNCHANGED, OLDER, CANCELLED, REPLY, IGNORED = (
    "new", "updated", "unchanged", "older", "cancelled", "reply", "ignored",
)  # fmt: skip
CHANGING = (NEW, UPDATED, CANCELLED, REPLY)
_CHUNK = 500
_MASTERS = 1_000  # meetings made before they (and then their invitations) go to the writer
_BATCH = 10_000  # invitations per batch written while the next ones are made


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


@dataclass
class ImportPlan:
    file_name: str
    rows: list[PlanRow]
    skipped: dict[str, int] = field(default_factory=dict)

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


def _stored_summary(text: str) -> str:
    """An import's summary as kept (its counts as JSON; imports recorded before 2026-12-01
    kept the text in the language of the time), said in the user's language now."""
    try:
        counts = json.loads(text)
    except ValueError:
        return text
    return describe_counts(counts) if isinstance(counts, dict) else text


# --- the state of the database -------------------------------------------------------------


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


_KEPT = (
    "title", "starts_at", "ends_at", "all_day", "timezone", "location", "online_url", "notes",
    "status", "rrule",
)  # fmt: skip


@dataclass
class _Stored:
    meeting: Meeting
    occurrences: dict[datetime, Meeting] = field(default_factory=dict)
    invitations: dict[int, Invitation] = field(default_factory=dict)  # by person id


@dataclass
class _State:
    """The rows an import may touch, loaded in a few queries."""

    session: Session
    meetings: dict[str, _Stored] = field(default_factory=dict)  # by UID
    people: dict[str, int] = field(default_factory=dict)  # lower-case e-mail -> id
    addresses: dict[int, str] = field(default_factory=dict)  # invited person -> e-mail
    new_people: dict[str, Address] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, events: list[IncomingEvent]) -> _State:
        state = cls(session)
        uids = sorted({e.uid for e in events})
        for chunk in _chunks(uids):
            for meeting in session.exec(  # type: ignore[call-overload]
                select(Meeting).where(col(Meeting.uid).in_(chunk), col(Meeting.series_id).is_(None))
            ).scalars():
                state.meetings[meeting.uid] = _Stored(meeting)
        by_id = {s.meeting.id: s for s in state.meetings.values()}
        ids = sorted(i for i in by_id if i is not None)
        for chunk in _chunks(ids):
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
            state.people = {key: pid for key, pid in _register(session).items() if key in wanted}
        else:
            for chunk in _chunks(emails):
                for pid, email in session.execute(
                    select(Person.id, func.lower(Person.email)).where(
                        func.lower(Person.email).in_(chunk), living
                    )
                ):
                    state.people.setdefault(email, pid)
        return state


def _register(session: Session) -> dict[str, int]:
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
    return all(getattr(stored, name) == getattr(event, name) for name in _KEPT)


def _exdates_of(stored: _Stored) -> set[datetime]:
    return {
        when for when, row in stored.occurrences.items() if row.status == MeetingStatus.CANCELLED
    }


def _attendees_same(state: _State, stored: _Stored, event: IncomingEvent) -> bool:
    if not event.attendees:
        return True  # a file without attendees leaves the invitations as they are
    wanted = {(a.email.lower(), a.rsvp) for a in event.attendees}
    have = {(state.addresses[pid], inv.rsvp) for pid, inv in stored.invitations.items()}
    return wanted == have


def _newer(stored: Meeting, event: IncomingEvent) -> bool:
    if event.sequence != stored.sequence:
        return event.sequence > stored.sequence
    return event.stamp is not None and event.stamp > stored.updated_at


def _row(action: str, event: IncomingEvent, detail: str = "") -> PlanRow:
    return PlanRow(
        action, event.uid, event.title, event.starts_at, event.timezone, detail, event.line
    )


def _decide(state: _State, event: IncomingEvent, masters: dict[str, IncomingEvent]) -> PlanRow:
    stored = state.meetings.get(event.uid)
    if event.method == "REPLY":
        return _decide_reply(state, stored, event)
    if event.recurrence_id is not None:
        if stored is None and event.uid not in masters:
            return _row(IGNORED, event, _("Belongs to a series that is not in the database."))
        if stored is None:
            return _row(NEW if event.method != "CANCEL" else CANCELLED, event)
        row = stored.occurrences.get(event.recurrence_id)
        if row is None:
            return _row(CANCELLED if event.status == MeetingStatus.CANCELLED else NEW, event)
        return _compare(row, event, attendees_same=True)
    if stored is None:
        if event.method == "CANCEL":
            return _row(IGNORED, event, _("Not in the database."))
        return _row(NEW, event)
    same_exdates = set(event.exdates) == _exdates_of(stored) or event.method == "CANCEL"
    return _compare(
        stored.meeting,
        event,
        attendees_same=_attendees_same(state, stored, event) and same_exdates,
    )


def _compare(stored: Meeting, event: IncomingEvent, *, attendees_same: bool) -> PlanRow:
    if event.method == "CANCEL":
        if stored.status == MeetingStatus.CANCELLED:
            return _row(UNCHANGED, event)
        if event.sequence < stored.sequence:
            return _row(OLDER, event, _("The database holds a newer version."))
        return _row(CANCELLED, event)
    if _same(stored, event) and attendees_same:
        return _row(UNCHANGED, event)
    if not _newer(stored, event):
        return _row(OLDER, event, _("The database holds a newer version."))
    if event.status == MeetingStatus.CANCELLED and stored.status != MeetingStatus.CANCELLED:
        return _row(CANCELLED, event)
    return _row(UPDATED, event)


def _decide_reply(state: _State, stored: _Stored | None, event: IncomingEvent) -> PlanRow:
    if stored is None:
        return _row(IGNORED, event, _("Not in the database."))
    if event.recurrence_id is not None:
        return _row(IGNORED, event, _("Answers for a single date of a series are not recorded."))
    if len(event.attendees) != 1:
        return _row(IGNORED, event, _("A reply must name exactly one invitee."))
    answer = event.attendees[0]
    pid = state.people.get(answer.email.lower())
    invitation = stored.invitations.get(pid) if pid is not None else None
    if invitation is None:
        return _row(IGNORED, event, _("{email} is not invited.").format(email=answer.email))
    title = stored.meeting.title
    detail = f"{answer.name or answer.email}: {answer.rsvp.value}"
    if invitation.rsvp == answer.rsvp:
        return PlanRow(
            UNCHANGED, event.uid, title, stored.meeting.starts_at, "", detail, event.line
        )
    if (
        invitation.responded_at is not None
        and event.stamp is not None
        and event.stamp < invitation.responded_at
    ):
        return PlanRow(OLDER, event.uid, title, stored.meeting.starts_at, "", detail, event.line)
    return PlanRow(REPLY, event.uid, title, stored.meeting.starts_at, "", detail, event.line)


def _plan(state: _State, calendar: CalendarFile, file_name: str) -> ImportPlan:
    masters = {e.uid: e for e in calendar.events if e.recurrence_id is None and e.rrule}
    latest: dict[tuple[str, datetime | None, str], IncomingEvent] = {}
    for event in calendar.events:  # the same event twice in a file: the newest counts
        key = (event.uid, event.recurrence_id, event.method == "REPLY" and _email(event))
        before = latest.get(key)  # type: ignore[arg-type]
        if before is None or (event.sequence, event.stamp or datetime.min.replace(tzinfo=UTC)) >= (
            before.sequence,
            before.stamp or datetime.min.replace(tzinfo=UTC),
        ):
            latest[key] = event  # type: ignore[index]
    rows = [_decide(state, event, masters) for event in latest.values()]
    return ImportPlan(file_name, rows, dict(calendar.skipped))


def _email(event: IncomingEvent) -> str:
    return event.attendees[0].email.lower() if event.attendees else ""


def preview(engine: Engine, calendar: CalendarFile, file_name: str) -> ImportPlan:
    """What importing the file would do, per event; nothing is written."""
    with reading(engine) as session:
        return _plan(_State.load(session, calendar.events), calendar, file_name)


# --- applying ------------------------------------------------------------------------------


def _dump(row: SQLModel) -> str:
    return json.dumps(row.model_dump(), default=_encode, sort_keys=True)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(value)


@dataclass
class _Journal:
    now: datetime
    created: dict[str, list[Any]] = field(default_factory=dict)
    changed: list[tuple[str, str, str, SQLModel]] = field(default_factory=list)
    created_json: dict[str, str] = field(default_factory=dict)  # ``created``, written out

    def note_change(self, table: str, key: Any, row: SQLModel) -> None:
        self.changed.append((table, json.dumps(key), _dump(row), row))

    def write_out(self) -> None:
        self.created_json = {table: json.dumps(ids) for table, ids in self.created.items()}


class _Applier:
    """Writes a plan. New rows are collected and inserted in batches (a feed of thousands of
    meetings must not cost a round trip per row); changed rows go through the session."""

    def __init__(self, state: _State, journal: _Journal, file_name: str) -> None:
        self.state = state
        self.session = state.session
        self.journal = journal
        self.file_name = file_name
        self.touched: set[int] = set()
        self.writer = BulkWriter(self.session)  # new rows; the session waits until finish
        self.pending: list[Meeting] = []
        self.pending_invitations: list[tuple[Any, ...]] = []  # in _INVITATION_COLUMNS order

    # people ---------------------------------------------------------------------------------

    def add_people(self, addresses: Iterable[Address]) -> None:
        """Add everyone not yet in the register (matched by e-mail address), in one batch."""
        new: dict[str, tuple[str, str, str, str]] = {}  # lower-case e-mail -> names...
        note = _("Added by the import of the calendar file {name}.").format(name=self.file_name)
        note_key = search_key((note,))  # the same for everyone: folded once
        known = self.state.people
        for address in addresses:
            email = address.email.lower()
            if email in known or email in new:
                continue
            given, family = _names(address.name, address.email)
            key = f"{search_key((given, family, address.email))} {note_key}"
            new[email] = (family, given, address.email, key)
        if not new:
            return
        # In name order: the name indexes then grow at their ends (a third faster on SQLite).
        found = sorted(new.values())
        person = Person.__table__  # type: ignore[attr-defined]
        ids = self.writer.ids(person, len(found))
        now, rest = self.journal.now, _rest_of_person()
        rows = [
            (pid, given, family, email, note, key, now, now, *rest.values())
            for pid, (family, given, email, key) in zip(ids, found, strict=True)
        ]
        for pid, (_family, _given, email, _key) in zip(ids, found, strict=True):
            known[email.lower()] = pid
        self.journal.created.setdefault("person", []).extend(ids)
        self.writer.insert(person, rows, columns=(*_PERSON_COLUMNS, *rest))

    def person(self, address: Address) -> int:
        return self.state.people[address.email.lower()]

    # meetings -------------------------------------------------------------------------------

    def new_meeting(self, event: IncomingEvent, master: Any = None) -> Any:
        """A meeting (or an occurrence of ``master``), inserted with the next batch. Returns
        a plain record of its columns (its ``id`` is set when the batch is written)."""
        if master is None:
            uid = event.uid
            organiser = self.person(event.organiser) if event.organiser else None
        else:
            uid = f"{master.uid}#{event.recurrence_id:%Y%m%dT%H%M%SZ}"
            organiser = master.organiser_id
        meeting = SimpleNamespace(**_defaults(Meeting))
        meeting.id = self.writer.next_id(Meeting.__table__)  # type: ignore[attr-defined]
        self.journal.created.setdefault("meeting", []).append(meeting.id)
        meeting.uid = uid
        meeting.sequence = event.sequence
        meeting.organiser_id = organiser
        meeting.series_id = master.id if master is not None else None
        meeting.recurrence_id = event.recurrence_id if master is not None else None
        meeting.created_at = self.journal.now
        if master is not None:
            meeting.language, meeting.kind = master.language, master.kind
        self._fill(meeting, event)
        self.pending.append(meeting)
        if master is None:
            self.state.meetings[event.uid] = _Stored(meeting)  # type: ignore[arg-type]
        return meeting

    def insert_pending(self) -> None:
        if self.pending:
            rows = [vars(meeting) for meeting in self.pending]
            self.writer.insert(Meeting.__table__, rows)  # type: ignore[attr-defined]
            self.pending = []

    def insert_invitations(self) -> None:
        self.writer.insert(
            Invitation.__table__,  # type: ignore[attr-defined]
            self.pending_invitations,
            columns=_INVITATION_COLUMNS,
        )
        self.pending_invitations = []

    def _fill(self, meeting: Meeting, event: IncomingEvent) -> None:
        for name in _KEPT:
            setattr(meeting, name, getattr(event, name))
        if meeting.series_id is not None:
            meeting.rrule = ""
        meeting.sequence = max(meeting.sequence, event.sequence)
        meeting.updated_at = self.journal.now
        try:
            meeting.recurrence_ends_at = (
                last_occurrence(meeting.rrule, meeting.starts_at, meeting.timezone)
                if meeting.rrule
                else None
            )
        except RecurrenceError as exc:
            raise ValidationError({"file": str(exc)}) from None

    def change_meeting(self, meeting: Any, event: IncomingEvent) -> None:
        if isinstance(meeting, SimpleNamespace):  # made by this import a moment ago
            self._fill(meeting, event)  # type: ignore[arg-type]
            return
        if meeting.id not in self.touched:
            self.journal.note_change("meeting", meeting.id, meeting)
            self.touched.add(meeting.id)
        if event.method == "CANCEL":
            meeting.status = MeetingStatus.CANCELLED
            meeting.sequence = max(meeting.sequence, event.sequence)
            meeting.updated_at = self.journal.now
        else:
            self._fill(meeting, event)
            if event.organiser is not None and meeting.series_id is None:
                meeting.organiser_id = self.person(event.organiser)
        meeting.version += 1

    def exdates(self, stored: _Stored, event: IncomingEvent) -> None:
        """Cancelled occurrences are rows of their own; EXDATE lists exactly those."""
        wanted = set(event.exdates)
        for when in sorted(wanted):
            row = stored.occurrences.get(when)
            if row is None:
                cancel = _cancelled_occurrence(event, when)
                stored.occurrences[when] = self.new_meeting(cancel, stored.meeting)
            elif row.status != MeetingStatus.CANCELLED:
                self.change_meeting(row, _cancelled_occurrence(event, when, row))
        for when, row in stored.occurrences.items():
            if row.status == MeetingStatus.CANCELLED and when not in wanted:
                self.change_meeting(row, _restored_occurrence(event, row))

    def invitations(self, stored: _Stored, event: IncomingEvent) -> None:
        if not event.attendees:
            return
        meeting_id = stored.meeting.id
        assert meeting_id is not None
        now = self.journal.now
        people = self.state.people
        wanted = {people[address.email.lower()]: address.rsvp for address in event.attendees}
        created = self.journal.created.setdefault("invitation", [])
        if not stored.invitations:  # a new meeting, as in most of a big feed: all are new
            answers = wanted.items()
            self.pending_invitations += [
                (meeting_id, pid, rsvp, False, now, None if rsvp is _NO_REPLY else now)
                for pid, rsvp in answers
            ]
            created += [(meeting_id, pid, _VALUES[rsvp]) for pid, rsvp in answers]
            return
        for pid, invitation in list(stored.invitations.items()):
            if pid not in wanted:
                self.journal.note_change("invitation", [meeting_id, pid], invitation)
                self.session.delete(invitation)
                del stored.invitations[pid]
        for pid, rsvp in wanted.items():
            invitation = stored.invitations.get(pid)
            if invitation is None:
                answered = None if rsvp is _NO_REPLY else now
                self.pending_invitations.append((meeting_id, pid, rsvp, False, now, answered))
                created.append((meeting_id, pid, _VALUES[rsvp]))
            elif invitation.rsvp != rsvp:
                self.journal.note_change("invitation", [meeting_id, pid], invitation)
                invitation.rsvp = rsvp
                invitation.responded_at = self.journal.now

    def reply(self, stored: _Stored, event: IncomingEvent) -> None:
        answer = event.attendees[0]
        pid = self.person(answer)
        invitation = stored.invitations[pid]
        assert stored.meeting.id is not None
        self.journal.note_change("invitation", [stored.meeting.id, pid], invitation)
        invitation.rsvp = answer.rsvp
        invitation.responded_at = event.stamp or self.journal.now

    def master(self, event: IncomingEvent) -> None:
        """A meeting or series: created (in the batch) or changed."""
        stored = self.state.meetings.get(event.uid)
        if stored is None:
            self.new_meeting(event)
        else:
            self.change_meeting(stored.meeting, event)

    def details(self, event: IncomingEvent) -> None:
        """What hangs on a meeting that has an id now: cancelled dates and invitations."""
        if event.method != "CANCEL":
            stored = self.state.meetings[event.uid]
            self.exdates(stored, event)
            self.invitations(stored, event)

    def occurrence(self, event: IncomingEvent) -> None:
        stored = self.state.meetings[event.uid]
        assert event.recurrence_id is not None
        row = stored.occurrences.get(event.recurrence_id)
        if row is None:
            stored.occurrences[event.recurrence_id] = self.new_meeting(event, stored.meeting)
        else:
            self.change_meeting(row, event)

    def new_events(self, batch: list[IncomingEvent], tick: Callable[[], None]) -> None:
        """Events none of which is in the database yet (checked by the caller), occurrences
        after their series: their people, meetings, cancelled dates and invitations."""
        self.add_people(
            [a for e in batch for a in ([e.organiser] if e.organiser else []) + e.attendees]
        )
        masters = [event for event in batch if event.recurrence_id is None]
        for event in masters:
            self.new_meeting(event)
            tick()
        self.insert_pending()
        for event in masters:
            self.details(event)
        for event in batch:
            if event.recurrence_id is not None:
                self.occurrence(event)
                tick()
        self.insert_pending()
        if len(self.pending_invitations) >= _BATCH:
            self.insert_invitations()

    def run(
        self,
        work: list[tuple[IncomingEvent, PlanRow]],
        tick: Callable[[], None],
    ) -> None:
        """All of the plan's changes. New rows go to the database while the next ones are
        made (BulkWriter); the session is used again only after they are all written."""
        try:
            self._run(work, tick)
            self.journal.write_out()  # while the last batches go in
            self.writer.finish()
        finally:
            self.writer.close()

    def _run(
        self,
        work: list[tuple[IncomingEvent, PlanRow]],
        tick: Callable[[], None],
    ) -> None:
        addresses = [
            a
            for event, row in work
            if row.action != REPLY
            for a in ([event.organiser] if event.organiser else []) + event.attendees
        ]
        self.add_people(addresses)
        masters = [(e, r) for e, r in work if r.action != REPLY and e.recurrence_id is None]
        for start in range(0, len(masters), _MASTERS):  # a few at a time: the writer starts soon
            batch = masters[start : start + _MASTERS]
            for event, _row in batch:
                self.master(event)
                tick()
            self.insert_pending()
            for event, _row in batch:
                self.details(event)
            if len(self.pending_invitations) >= _BATCH:
                self.insert_invitations()
        for event, row in work:
            if row.action == REPLY:
                stored = self.state.meetings[event.uid]
                self.reply(stored, event)
            elif event.recurrence_id is not None:
                self.occurrence(event)
            tick()
        self.insert_pending()
        self.insert_invitations()


_PERSON_COLUMNS = (
    "id", "given_name", "family_name", "email", "notes", "search_text", "created_at",
    "updated_at",
)  # fmt: skip


def _rest_of_person() -> dict[str, Any]:
    """The columns of a person added by an import that keep their defaults."""
    return {k: v for k, v in _defaults(Person).items() if k not in _PERSON_COLUMNS}


@lru_cache(maxsize=8)
def _defaults(model: type[SQLModel]) -> dict[str, Any]:
    """A table's column defaults (a fresh row's values), without the id."""
    return model().model_dump(exclude={"id"})


def _cancelled_occurrence(
    series: IncomingEvent, when: datetime, row: Meeting | None = None
) -> IncomingEvent:
    length = series.ends_at - series.starts_at
    return IncomingEvent(
        uid=series.uid, line=series.line, method="PUBLISH", sequence=series.sequence,
        stamp=series.stamp, title=row.title if row else series.title,
        starts_at=row.starts_at if row else when, ends_at=row.ends_at if row else when + length,
        all_day=series.all_day, timezone=series.timezone,
        location=row.location if row else series.location,
        online_url=row.online_url if row else series.online_url,
        notes=row.notes if row else "", status=MeetingStatus.CANCELLED, recurrence_id=when,
    )  # fmt: skip


def _restored_occurrence(series: IncomingEvent, row: Meeting) -> IncomingEvent:
    restored = _cancelled_occurrence(series, row.recurrence_id or row.starts_at, row)
    restored.status = series.status
    return restored


def _names(name: str, email: str) -> tuple[str, str]:
    """Given and family name from a CN: "Family, Given" is kept whole (so it comes back
    exactly), "Given Family" is split at the last space."""
    name = name.strip() or email.split("@")[0]
    if "," in name or " " not in name:
        return "", name[:120]
    given, family = name.rsplit(" ", 1)
    return given[:120], family[:120]


def apply(
    engine: Engine,
    calendar: CalendarFile,
    file_name: str,
    *,
    expected: ImportPlan | None = None,
    now: datetime | None = None,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportPlan:
    """Import the file in one transaction. With ``expected`` (the preview the coordinator
    saw), nothing is written if the database has changed since and the plan differs."""
    now = now or datetime.now(UTC)
    with paused_gc(), transaction(engine) as session:  # (see paused_gc: 100,000s of rows)
        state = _State.load(session, calendar.events)
        plan = _plan(state, calendar, file_name)
        if expected is not None and [r.action for r in expected.rows] != [
            r.action for r in plan.rows
        ]:
            raise ValidationError(
                {"file": _("The database changed since the preview. Look at the file again.")}
            )
        if plan.changes == 0:
            return plan
        journal = _Journal(now)
        applier = _Applier(state, journal, file_name)
        by_key = _events_by_key(calendar.events)
        work = [(by_key[(r.uid, r.line)], r) for r in plan.rows if r.action in CHANGING]
        ticks = 0

        def tick() -> None:
            nonlocal ticks
            ticks += 1
            if ticks % 200 == 0:
                if cancelled is not None and cancelled():
                    raise ImportCancelled
                if progress is not None:
                    progress(ticks, 2 * len(work))

        applier.run(work, tick)
        session.flush()
        _record(session, journal, plan, file_name)
    return plan


_STREAM_FROM = 1_000_000  # bytes: a smaller file is read whole, then imported


class _NotOnlyNew(Exception):
    """The file holds more than new events: it is imported the ordinary way instead."""


def import_file(
    engine: Engine,
    raw: bytes,
    file_name: str,
    *,
    now: datetime | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportPlan:
    """Read a calendar file and import it at once, without a preview (the command line,
    cron). A big file of events that are all new, the usual feed, is written while it is
    still being read (its rows go to the BulkWriter batch by batch, so SQLite works while
    Python reads on). At the first event that is not simply new (already in the database,
    twice in the file, a reply or cancellation, an occurrence before its series) that work
    is rolled back and the whole file imported by ``apply``: the result is the same."""
    now = now or datetime.now(UTC)
    if len(raw) < _STREAM_FROM:
        calendar = read_calendar(raw)
    else:
        skipped: dict[str, int] = {}
        events = iter_events(raw, skipped)
        seen: list[IncomingEvent] = []
        try:
            return _stream(engine, events, seen, skipped, file_name, now, cancelled)
        except _NotOnlyNew:
            pass
        with paused_gc():
            calendar = CalendarFile([*seen, *events], skipped)
    return apply(engine, calendar, file_name, now=now, cancelled=cancelled)


def _stream(
    engine: Engine,
    events: Iterator[IncomingEvent],
    seen: list[IncomingEvent],
    skipped: dict[str, int],
    file_name: str,
    now: datetime,
    cancelled: Callable[[], bool] | None,
) -> ImportPlan:
    with paused_gc(), transaction(engine) as session:
        taken = set(
            session.execute(select(Meeting.uid).where(col(Meeting.series_id).is_(None))).scalars()
        )
        state = _State(session, people=_register(session))
        journal = _Journal(now)
        applier = _Applier(state, journal, file_name)
        keys: set[tuple[str, datetime | None]] = set()
        series: set[str] = set()  # the UIDs of this file's recurring meetings
        rows: list[PlanRow] = []
        batch: list[IncomingEvent] = []

        ticks = 0

        def tick() -> None:
            nonlocal ticks
            ticks += 1
            if ticks % 200 == 0 and cancelled is not None and cancelled():
                raise ImportCancelled

        try:
            for event in events:  # from here on the session is the writer's (BulkWriter)
                seen.append(event)
                key = (event.uid, event.recurrence_id)
                if (
                    event.method not in ("PUBLISH", "REQUEST")
                    or key in keys
                    or (event.recurrence_id is None and event.uid in taken)
                    or (event.recurrence_id is not None and event.uid not in series)
                ):
                    raise _NotOnlyNew
                keys.add(key)
                if event.recurrence_id is None and event.rrule:
                    series.add(event.uid)
                rows.append(_row(NEW, event))
                batch.append(event)
                if len(batch) == _MASTERS:
                    applier.new_events(batch, tick)
                    batch = []
            applier.new_events(batch, tick)
            applier.insert_invitations()
            journal.write_out()
            applier.writer.finish()
        finally:
            applier.writer.close()
        plan = ImportPlan(file_name, rows, dict(skipped))
        if rows:
            _record(session, journal, plan, file_name)
    return plan


def _events_by_key(events: Iterable[IncomingEvent]) -> dict[tuple[str, int], IncomingEvent]:
    return {(e.uid, e.line): e for e in events}


def _record(session: Session, journal: _Journal, plan: ImportPlan, file_name: str) -> None:
    record = CalendarImport(
        file_name=file_name, summary=json.dumps(plan.counts()), imported_at=journal.now
    )
    session.add(record)
    session.flush()
    rows = [
        {
            "import_id": record.id,
            "table_name": table,
            "row_key": "created",
            "before": "",
            "after": journal.created_json.get(table) or json.dumps(keys),
        }
        for table, keys in journal.created.items()
    ]
    for table, key, before, row in journal.changed:
        rows.append(
            {
                "import_id": record.id,
                "table_name": table,
                "row_key": key,
                "before": before,
                "after": _dump(row) if row in session else "",
            }
        )
    if rows:
        session.execute(insert(CalendarImportChange), rows)


# --- undo ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LastImport:
    id: int
    file_name: str
    summary: str
    imported_at: datetime


def last_import(engine: Engine) -> LastImport | None:
    """The last import, when it has not been undone yet."""
    with reading(engine) as session:
        record = session.exec(  # type: ignore[call-overload]
            select(CalendarImport).order_by(col(CalendarImport.id).desc()).limit(1)
        ).scalar()
    if record is None or record.undone_at is not None:
        return None
    return LastImport(
        record.id, record.file_name, _stored_summary(record.summary), record.imported_at
    )


_MODELS: dict[str, type[SQLModel]] = {
    "meeting": Meeting,
    "invitation": Invitation,
    "person": Person,
}


def _load(session: Session, table: str, key: Any) -> SQLModel | None:
    if table == "invitation":
        meeting_id, person_id = key
        return session.exec(  # type: ignore[call-overload]
            select(Invitation).where(
                Invitation.meeting_id == meeting_id, Invitation.person_id == person_id
            )
        ).scalar()
    return session.get(_MODELS[table], key)


def _restore(row: SQLModel, data: dict[str, Any]) -> None:
    model = type(row)
    clean = model.model_validate(data)
    for name in data:
        setattr(row, name, getattr(clean, name))


def undo_last_import(engine: Engine) -> LastImport:
    """Restore exactly the state before the last import, in one transaction. Refused when
    anything it touched has been changed since (that work would be lost)."""
    with transaction(engine) as session:
        record = session.exec(  # type: ignore[call-overload]
            select(CalendarImport).order_by(col(CalendarImport.id).desc()).limit(1)
        ).scalar()
        if record is None or record.undone_at is not None:
            raise ValidationError({"import": _("There is no import to undo.")})
        changes = list(
            session.exec(  # type: ignore[call-overload]
                select(CalendarImportChange)
                .where(CalendarImportChange.import_id == record.id)
                .order_by(col(CalendarImportChange.id))
            ).scalars()
        )
        created = {c.table_name: json.loads(c.after) for c in changes if c.row_key == "created"}
        changed = [c for c in changes if c.row_key != "created"]
        _check_undo(session, record, created, changed)
        for meeting_id, person_id, _rsvp in created.get("invitation", []):
            session.execute(
                delete(Invitation).where(
                    col(Invitation.meeting_id) == meeting_id, col(Invitation.person_id) == person_id
                )
            )
        for change in reversed(changed):
            key = json.loads(change.row_key)
            before = json.loads(change.before)
            row = _load(session, change.table_name, key)
            if row is None:  # deleted by the import: put it back as it was
                session.add(_MODELS[change.table_name].model_validate(before))
            else:
                _restore(row, before)
        session.flush()
        meetings = created.get("meeting", [])
        for chunk in _chunks(sorted(meetings, reverse=True)):
            session.execute(delete(Meeting).where(col(Meeting.id).in_(chunk)))
        for chunk in _chunks(created.get("person", [])):
            session.execute(delete(Person).where(col(Person.id).in_(chunk)))
        record.undone_at = datetime.now(UTC)
        return LastImport(
            record.id, record.file_name, _stored_summary(record.summary), record.imported_at
        )


def _check_undo(
    session: Session,
    record: CalendarImport,
    created: dict[str, list[Any]],
    changed: list[CalendarImportChange],
) -> None:
    def refuse(what: str) -> None:
        raise ValidationError(
            {
                "import": _(
                    "The import cannot be undone: {what} has been changed since. "
                    "Undoing it would lose that work."
                ).format(what=what)
            }
        )

    for change in changed:
        row = _load(session, change.table_name, json.loads(change.row_key))
        now = _dump(row) if row is not None else ""
        if now != change.after:
            refuse(_describe(change.table_name, row, change.before))
    meetings = created.get("meeting", [])
    for chunk in _chunks(meetings):
        later = session.exec(  # type: ignore[call-overload]
            select(Meeting.title).where(col(Meeting.id).in_(chunk), col(Meeting.version) > 1)
        ).first()
        if later is not None:
            refuse(_("the meeting “{title}”").format(title=later[0]))
        for model, column in (
            (AgendaItem, AgendaItem.meeting_id),
            (Minutes, Minutes.meeting_id),
            (DatePoll, DatePoll.meeting_id),
            (Task, Task.meeting_id),
        ):
            if session.exec(select(model).where(col(column).in_(chunk)).limit(1)).first():  # type: ignore[call-overload]
                refuse(_("an imported meeting (it has an agenda, minutes, a poll or tasks)"))
    created_invitations = {(m, p) for m, p, _rsvp in created.get("invitation", [])}
    for chunk in _chunks(created.get("person", [])):
        if session.exec(  # type: ignore[call-overload]
            select(Person.id).where(col(Person.id).in_(chunk), col(Person.version) > 1)
        ).first():
            refuse(_("a person added by the import"))
        if session.exec(  # type: ignore[call-overload]
            select(Affiliation.person_id).where(col(Affiliation.person_id).in_(chunk))
        ).first():
            refuse(_("a person added by the import"))
        for meeting_id, person_id in session.exec(  # type: ignore[call-overload]
            select(Invitation.meeting_id, Invitation.person_id).where(
                col(Invitation.person_id).in_(chunk)
            )
        ):
            if (meeting_id, person_id) not in created_invitations and meeting_id not in meetings:
                refuse(_("a person added by the import"))
    for meeting_id, person_id, rsvp in created.get("invitation", []):
        invitation = _load(session, "invitation", [meeting_id, person_id])
        if invitation is not None and invitation.rsvp != rsvp:  # type: ignore[attr-defined]
            refuse(_("an answer to an invitation"))


def _describe(table: str, row: SQLModel | None, before: str) -> str:
    if table == "meeting":
        title = getattr(row, "title", None) or json.loads(before).get("title", "")
        return _("the meeting “{title}”").format(title=title)
    if table == "invitation":
        return _("an answer to an invitation")
    return _("a person added by the import")
