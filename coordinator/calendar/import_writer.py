"""Importing calendar files, the writing: the rows a plan adds or changes, in bulk, each
change recorded in the import's journal so that it can be undone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from sqlmodel import SQLModel

from coordinator.calendar.addresses import names
from coordinator.calendar.import_plan import KEPT, REPLY, PlanRow, PlanState, StoredMeeting
from coordinator.calendar.parsing import (
    Address,
    IncomingEvent,
)
from coordinator.i18n import _
from coordinator.meetings.recurrence import RecurrenceError, last_occurrence
from coordinator.validation import ValidationError
from storage.bulk import BulkWriter
from storage.enums import MeetingStatus, Rsvp
from storage.models import (
    Affiliation,
    Invitation,
    Meeting,
    Person,
)
from storage.search import search_key, sort_key

NO_REPLY = Rsvp.NO_REPLY  # (enum members looked up once: this runs per invitation)
RSVP_VALUES = {member: member.value for member in Rsvp}
INVITATION_COLUMNS = (
    "meeting_id",
    "person_id",
    "rsvp",
    "needs_update",
    "invited_at",
    "responded_at",
)
MASTERS = 1_000  # meetings made before they (and then their invitations) go to the writer
BATCH = 10_000  # invitations per batch written while the next ones are made


def dump_row(row: SQLModel) -> str:
    return json.dumps(row.model_dump(), default=_encode, sort_keys=True)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(value)


@dataclass
class Journal:
    now: datetime
    created: dict[str, list[Any]] = field(default_factory=dict)
    changed: list[tuple[str, str, str, SQLModel]] = field(default_factory=list)
    created_json: dict[str, str] = field(default_factory=dict)  # ``created``, written out

    def note_change(self, table: str, key: Any, row: SQLModel) -> None:
        self.changed.append((table, json.dumps(key), dump_row(row), row))

    def write_out(self) -> None:
        self.created_json = {table: json.dumps(ids) for table, ids in self.created.items()}


class Applier:
    """Writes a plan. New rows are collected and inserted in batches (a feed of thousands of
    meetings must not cost a round trip per row); changed rows go through the session."""

    def __init__(self, state: PlanState, journal: Journal, file_name: str) -> None:
        self.state = state
        self.session = state.session
        self.journal = journal
        self.file_name = file_name
        self.touched: set[int] = set()
        self.affiliated = 0  # people added with an affiliation to an organisation
        self.writer = BulkWriter(self.session)  # new rows; the session waits until finish
        self.pending: list[Meeting] = []
        self.pending_invitations: list[tuple[Any, ...]] = []  # in INVITATION_COLUMNS order

    # people ---------------------------------------------------------------------------------

    def add_people(self, addresses: Iterable[Address]) -> None:
        """Add everyone not yet in the register (matched by e-mail address), in one batch."""
        new: dict[str, tuple[str, str, str, str]] = {}  # lower-case e-mail -> names...
        note = _("Added by the import of the calendar file {name}.").format(name=self.file_name)
        note_key = search_key((note,))  # the same for everyone: folded once
        known = self.state.people
        organisations = self.state.organisations()
        member_of: dict[str, int] = {}  # lower-case e-mail -> organisation
        for address in addresses:
            email = address.email.lower()
            if email in known or email in new:
                continue
            oid, whole = organisations.of(address)
            if oid is not None:
                member_of[email] = oid
            given, family = names(address.name, address.email, whole=whole)
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
            (
                pid,
                given,
                family,
                email,
                note,
                key,
                sort_key(family, given),
                now,
                now,
                *rest.values(),
            )
            for pid, (family, given, email, key) in zip(ids, found, strict=True)
        ]
        for pid, (_family, _given, email, _key) in zip(ids, found, strict=True):
            known[email.lower()] = pid
        self.journal.created.setdefault("person", []).extend(ids)
        self.writer.insert(person, rows, columns=(*_PERSON_COLUMNS, *rest))
        self.affiliated += len(member_of)
        if member_of:  # (undone with the person: the affiliation goes with it)
            pairs = [[known[email], oid] for email, oid in sorted(member_of.items())]
            self.journal.created.setdefault("affiliation", []).extend(pairs)
            self.writer.insert(
                Affiliation.__table__,  # type: ignore[attr-defined]
                [(pid, oid, "") for pid, oid in pairs],
                columns=("person_id", "organisation_id", "role"),
            )

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
            self.state.meetings[event.uid] = StoredMeeting(meeting)  # type: ignore[arg-type]
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
            columns=INVITATION_COLUMNS,
        )
        self.pending_invitations = []

    def _fill(self, meeting: Meeting, event: IncomingEvent) -> None:
        for name in KEPT:
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

    def exdates(self, stored: StoredMeeting, event: IncomingEvent) -> None:
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

    def invitations(self, stored: StoredMeeting, event: IncomingEvent) -> None:
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
                (meeting_id, pid, rsvp, False, now, None if rsvp is NO_REPLY else now)
                for pid, rsvp in answers
            ]
            created += [(meeting_id, pid, RSVP_VALUES[rsvp]) for pid, rsvp in answers]
            return
        for pid, invitation in list(stored.invitations.items()):
            if pid not in wanted:
                self.journal.note_change("invitation", [meeting_id, pid], invitation)
                self.session.delete(invitation)
                del stored.invitations[pid]
        for pid, rsvp in wanted.items():
            invitation = stored.invitations.get(pid)
            if invitation is None:
                answered = None if rsvp is NO_REPLY else now
                self.pending_invitations.append((meeting_id, pid, rsvp, False, now, answered))
                created.append((meeting_id, pid, RSVP_VALUES[rsvp]))
            elif invitation.rsvp != rsvp:
                self.journal.note_change("invitation", [meeting_id, pid], invitation)
                invitation.rsvp = rsvp
                invitation.responded_at = self.journal.now

    def reply(self, stored: StoredMeeting, event: IncomingEvent) -> None:
        answer = event.attendees[0]
        pid = self.person(answer)
        if event.recurrence_id is not None:
            self.date_reply(stored, event, pid)
            return
        invitation = stored.invitations[pid]
        assert stored.meeting.id is not None
        self.journal.note_change("invitation", [stored.meeting.id, pid], invitation)
        invitation.rsvp = answer.rsvp
        invitation.responded_at = event.stamp or self.journal.now

    def date_reply(self, stored: StoredMeeting, event: IncomingEvent, pid: int) -> None:
        """The answer for one date of a series: kept on that date's row (made if needed);
        the series' answer stays for the other dates."""
        from sqlmodel import select

        from coordinator.meetings.meetings import _occurrence

        assert event.recurrence_id is not None and stored.meeting.id is not None
        session = self.state.session
        row = stored.occurrences.get(event.recurrence_id)
        if row is None:
            row = _occurrence(session, stored.meeting.id, event.recurrence_id)
            stored.occurrences[event.recurrence_id] = row
            self.journal.created.setdefault("meeting", []).append(row.id)
        answer, at = event.attendees[0], event.stamp or self.journal.now
        own = session.exec(
            select(Invitation).where(Invitation.meeting_id == row.id, Invitation.person_id == pid)
        ).first()
        if own is None:
            session.add(
                Invitation(meeting_id=row.id, person_id=pid, rsvp=answer.rsvp, responded_at=at)
            )
            created = self.journal.created.setdefault("invitation", [])
            created.append((row.id, pid, RSVP_VALUES[answer.rsvp]))
        else:
            self.journal.note_change("invitation", [row.id, pid], own)
            own.rsvp, own.responded_at = answer.rsvp, at

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
        if len(self.pending_invitations) >= BATCH:
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
        for start in range(0, len(masters), MASTERS):  # a few at a time: the writer starts soon
            batch = masters[start : start + MASTERS]
            for event, _row in batch:
                self.master(event)
                tick()
            self.insert_pending()
            for event, _row in batch:
                self.details(event)
            if len(self.pending_invitations) >= BATCH:
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
    "id", "given_name", "family_name", "email", "notes", "search_text", "sort_name",
    "created_at", "updated_at",
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
