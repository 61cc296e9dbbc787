"""Everything the detail views show about one organisation or one person."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Engine
from sqlmodel import col, select

from coordinator import phones
from coordinator.register.contacts import LogLine, contact_log
from storage.enums import Membership, OrgKind, Phase, Rsvp, TaskStatus, Topic
from storage.models import (
    Affiliation,
    Invitation,
    Meeting,
    Organisation,
    OrganisationTopic,
    Person,
    PersonLanguage,
    PhaseChange,
    Task,
)
from storage.uow import reading

if TYPE_CHECKING:
    from coordinator.mail.delivery import LogLine as SentLine

RECENT = 20


@dataclass(frozen=True)
class MeetingLine:
    id: int
    title: str
    starts_at: datetime
    rsvp: Rsvp | None
    timezone: str = "Europe/Berlin"  # the meeting's: its time is shown there
    all_day: bool = False


@dataclass(frozen=True)
class TaskLine:
    id: int
    title: str
    status: TaskStatus
    due_on: date | None


@dataclass(frozen=True)
class OrganisationDetail:
    id: int
    name: str
    kind: OrgKind
    origin: str
    city: str
    district: str
    phase: Phase
    phase_changed_on: date | None
    membership: Membership
    website: str
    notes: str
    last_contact_at: datetime | None
    topics: list[Topic]
    people: list[tuple[int, str, str]]  # id, name, role
    phase_history: list[tuple[date, Phase | None, Phase]]
    meetings: list[MeetingLine]
    tasks: list[TaskLine]
    contacts: list[LogLine]


@dataclass(frozen=True)
class PersonDetail:
    id: int
    name: str
    email: str
    phone: str
    languages: list[str]
    preferred_language: str
    consent_on: date | None
    consent_purpose: str
    notes: str
    last_contact_at: datetime | None
    organisations: list[tuple[int, str, str]]  # id, name, role
    meetings: list[MeetingLine]
    tasks: list[TaskLine]
    contacts: list[LogLine]
    messages: list[SentLine] = field(default_factory=list)  # the send log


def _tasks(rows: list[Task]) -> list[TaskLine]:
    return [TaskLine(t.id or 0, t.title, t.status, t.due_on) for t in rows]


def organisation_detail(engine: Engine, org_id: int) -> OrganisationDetail:
    with reading(engine) as session:
        org = session.get(Organisation, org_id)
        if org is None:
            raise LookupError(org_id)
        people = session.exec(
            select(Person.id, Person.given_name, Person.family_name, Affiliation.role)
            .join(Affiliation, col(Affiliation.person_id) == col(Person.id))
            .where(Affiliation.organisation_id == org_id, col(Person.erased_at).is_(None))
            .order_by(col(Person.sort_name))
        ).all()
        member_ids = [p[0] for p in people]
        meetings = (
            session.exec(
                select(
                    Meeting.id, Meeting.title, Meeting.starts_at, Meeting.timezone, Meeting.all_day
                )
                .where(
                    col(Meeting.id).in_(
                        select(Invitation.meeting_id).where(
                            col(Invitation.person_id).in_(member_ids)
                        )
                    )
                )
                .order_by(col(Meeting.starts_at).desc())
                .limit(RECENT)
            ).all()
            if member_ids
            else []
        )
        tasks = session.exec(
            select(Task)
            .where(Task.owner_organisation_id == org_id)
            .order_by(col(Task.due_on).desc())
            .limit(RECENT)
        ).all()
        detail = OrganisationDetail(
            id=org_id,
            name=org.name,
            kind=org.kind,
            origin=org.origin,
            city=org.city,
            district=org.district,
            phase=org.phase,
            phase_changed_on=org.phase_changed_on,
            membership=org.membership,
            website=org.website,
            notes=org.notes,
            last_contact_at=org.last_contact_at,
            topics=[
                Topic(t)
                for t in session.exec(
                    select(OrganisationTopic.topic).where(
                        OrganisationTopic.organisation_id == org_id
                    )
                )
            ],
            people=[(pid, f"{g} {f}".strip(), role) for pid, g, f, role in people],
            phase_history=[
                (c.changed_on, c.from_phase, c.to_phase)
                for c in session.exec(
                    select(PhaseChange)
                    .where(PhaseChange.organisation_id == org_id)
                    .order_by(col(PhaseChange.changed_on), col(PhaseChange.id))
                )
            ],
            meetings=[MeetingLine(m[0], m[1], m[2], None, m[3], m[4]) for m in meetings],
            tasks=_tasks(list(tasks)),
            contacts=[],
        )
    return _with_contacts(detail, contact_log(engine, organisation_id=org_id, limit=RECENT))


D = TypeVar("D", OrganisationDetail, PersonDetail)


def _with_contacts(detail: D, contacts: list[LogLine]) -> D:
    return replace(detail, contacts=contacts)


def person_detail(engine: Engine, person_id: int) -> PersonDetail:
    with reading(engine) as session:
        person = session.get(Person, person_id)
        if person is None or person.erased_at is not None:
            raise LookupError(person_id)
        orgs = session.exec(
            select(Organisation.id, Organisation.name, Affiliation.role)
            .join(Affiliation, col(Affiliation.organisation_id) == col(Organisation.id))
            .where(Affiliation.person_id == person_id)
            .order_by(col(Organisation.sort_name))
        ).all()
        meetings = session.exec(
            select(
                Meeting.id,
                Meeting.title,
                Meeting.starts_at,
                Invitation.rsvp,
                Meeting.timezone,
                Meeting.all_day,
            )
            .join(Invitation, col(Invitation.meeting_id) == col(Meeting.id))
            .where(Invitation.person_id == person_id)
            .order_by(col(Meeting.starts_at).desc())
            .limit(RECENT)
        ).all()
        tasks = session.exec(
            select(Task)
            .where(Task.owner_person_id == person_id)
            .order_by(col(Task.due_on).desc())
            .limit(RECENT)
        ).all()
        detail = PersonDetail(
            id=person_id,
            name=person.full_name,
            email=person.email,
            phone=phones.shown(person.phone),
            languages=list(
                session.exec(
                    select(PersonLanguage.language).where(PersonLanguage.person_id == person_id)
                )
            ),
            preferred_language=person.preferred_language,
            consent_on=person.consent_on,
            consent_purpose=person.consent_purpose,
            notes=person.notes,
            last_contact_at=person.last_contact_at,
            organisations=list(orgs),
            meetings=[MeetingLine(m[0], m[1], m[2], Rsvp(m[3]), m[4], m[5]) for m in meetings],
            tasks=_tasks(list(tasks)),
            contacts=[],
        )
    from coordinator.mail.delivery import send_log

    messages = send_log(engine, person_id=person_id)[-RECENT:]
    detail = replace(detail, messages=messages)
    return _with_contacts(detail, contact_log(engine, person_id=person_id, limit=RECENT))
