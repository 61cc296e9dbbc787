"""Contact care ("Kontakte pflegen"): the contact log, and who has not been contacted lately."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import col, select

from coordinator.dashboard import DEFAULT_FOLLOWUP_WEEKS, FollowUp, followups
from coordinator.i18n import _
from coordinator.meetings.schedule import RowSource
from coordinator.validation import ValidationError
from storage.enums import ContactChannel
from storage.models import ContactLogEntry, Organisation, Person
from storage.uow import reading, transaction


def log_contact(
    engine: Engine,
    *,
    channel: ContactChannel,
    occurred_at: datetime,
    note: str = "",
    person_id: int | None = None,
    organisation_id: int | None = None,
) -> int:
    """Record a call, meeting, e-mail or visit; the person's and organisation's "last
    contacted" move forward with it."""
    if person_id is None and organisation_id is None:
        raise ValidationError({"party": _("Choose a person or an organisation.")})
    if occurred_at.tzinfo is None:
        raise ValueError("occurred_at must be aware")
    if occurred_at > datetime.now(UTC):
        raise ValidationError({"occurred_at": _("The contact lies in the future.")})
    with transaction(engine) as session:
        entry = ContactLogEntry(
            channel=channel,
            occurred_at=occurred_at,
            note=note.strip(),
            person_id=person_id,
            organisation_id=organisation_id,
        )
        session.add(entry)
        for model, key in ((Person, person_id), (Organisation, organisation_id)):
            if key is None:
                continue
            party = session.get(model, key)
            if party is None:
                raise ValidationError({"party": _("Unknown person or organisation.")})
            if party.last_contact_at is None or party.last_contact_at < occurred_at:
                party.last_contact_at = occurred_at
        session.flush()
        assert entry.id is not None
        return entry.id


@dataclass(frozen=True)
class LogLine:
    id: int
    occurred_at: datetime
    channel: ContactChannel
    person: str
    organisation: str
    note: str


def contact_log(
    engine: Engine,
    *,
    person_id: int | None = None,
    organisation_id: int | None = None,
    limit: int = 50,
) -> list[LogLine]:
    """The latest contacts with a person or an organisation, newest first."""
    with reading(engine) as session:
        query = (
            select(ContactLogEntry, Person.given_name, Person.family_name, Organisation.name)
            .join(Person, col(Person.id) == col(ContactLogEntry.person_id), isouter=True)
            .join(
                Organisation,
                col(Organisation.id) == col(ContactLogEntry.organisation_id),
                isouter=True,
            )
            .order_by(col(ContactLogEntry.occurred_at).desc())
            .limit(limit)
        )
        if person_id is not None:
            query = query.where(ContactLogEntry.person_id == person_id)
        if organisation_id is not None:
            query = query.where(ContactLogEntry.organisation_id == organisation_id)
        return [
            LogLine(
                entry.id or 0,
                entry.occurred_at,
                entry.channel,
                f"{given or ''} {family or ''}".strip(),
                org or "",
                entry.note,
            )
            for entry, given, family, org in session.exec(query)
        ]


def followup_page(
    source: RowSource,
    now: datetime,
    *,
    weeks: int = DEFAULT_FOLLOWUP_WEEKS,
    offset: int,
    limit: int,
) -> tuple[list[FollowUp], int]:
    """One page of the follow-up list: never contacted first, then the longest ago."""
    with source.rows() as rows:
        found, total = followups(rows, now, weeks=weeks, limit=offset + limit)
    return found[offset:], total
