"""Organisations of the network: add, edit, change phase, delete (saying what goes with it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Engine, delete, func, update
from sqlmodel import Session, col, select

from coordinator.choices import parse_choice
from coordinator.i18n import _
from coordinator.network.concurrency import check, locked
from coordinator.validation import Checker
from storage.enums import Membership, OrgKind, Phase, Topic
from storage.models import (
    Affiliation,
    ContactLogEntry,
    Organisation,
    OrganisationTopic,
    Person,
    PhaseChange,
    Task,
)
from storage.search import search_key
from storage.uow import reading, transaction


@dataclass
class OrganisationInput:
    """What a form or a spreadsheet row says about an organisation (all text)."""

    name: str = ""
    kind: str = OrgKind.MSO.value
    origin: str = ""
    city: str = ""
    district: str = ""
    topics: str = ""  # comma-separated codes or labels
    phase: str = Phase.PREPARATION.value
    membership: str = Membership.PROSPECT.value
    website: str = ""
    notes: str = ""


@dataclass(frozen=True)
class CleanOrganisation:
    name: str
    kind: OrgKind
    origin: str
    city: str
    district: str
    topics: tuple[Topic, ...]
    phase: Phase
    membership: Membership
    website: str
    notes: str


def validate(data: OrganisationInput) -> CleanOrganisation:
    """The organisation as it will be stored, or ValidationError naming each bad field."""
    check = Checker()
    name = check.required("name", data.name)
    kind = parse_choice(OrgKind, data.kind)
    if kind is None:
        check.fail("kind", _("Choose a kind of organisation."))
    phase = parse_choice(Phase, data.phase)
    if phase is None:
        check.fail("phase", _("Choose a network phase."))
    membership = parse_choice(Membership, data.membership)
    if membership is None:
        check.fail("membership", _("Choose a membership status."))
    topics: list[Topic] = []
    for word in [w for w in data.topics.replace(";", ",").split(",") if w.strip()]:
        topic = parse_choice(Topic, word)
        if topic is None:
            check.fail("topics", _("Unknown topic: {topic}").format(topic=word.strip()))
        elif topic not in topics:
            topics.append(topic)
    clean = CleanOrganisation(
        name=name,
        kind=kind or OrgKind.OTHER,
        origin=check.length("origin", data.origin, 120),
        city=check.length("city", data.city, 120),
        district=check.length("district", data.district, 120),
        topics=tuple(topics),
        phase=phase or Phase.PREPARATION,
        membership=membership or Membership.PROSPECT,
        website=check.url("website", data.website),
        notes=check.length("notes", data.notes, 5000),
    )
    check.check()
    return clean


def organisation_search_key(org: Organisation) -> str:
    return search_key((org.name, org.origin, org.city, org.district, org.notes))


_ORG_FIELDS = ("name", "kind", "origin", "city", "district", "membership", "website", "notes")


def _apply(session: Session, org: Organisation, clean: CleanOrganisation, today: date) -> None:
    previous = org.phase if org.id is not None else None
    for name in _ORG_FIELDS:
        setattr(org, name, getattr(clean, name))
    org.phase = clean.phase
    org.search_text = organisation_search_key(org)
    org.updated_at = datetime.now(UTC)
    session.add(org)
    session.flush()
    assert org.id is not None
    if previous != clean.phase:
        org.phase_changed_on = today
        session.add(
            PhaseChange(
                organisation_id=org.id, from_phase=previous, to_phase=clean.phase, changed_on=today
            )
        )
    session.exec(delete(OrganisationTopic).where(col(OrganisationTopic.organisation_id) == org.id))  # type: ignore[call-overload]
    for topic in clean.topics:
        session.add(OrganisationTopic(organisation_id=org.id, topic=topic))


def add_organisation(session: Session, clean: CleanOrganisation, *, today: date) -> int:
    """Add a validated organisation inside the caller's transaction."""
    org = Organisation(name=clean.name)
    _apply(session, org, clean, today)
    assert org.id is not None
    return org.id


def add_organisations(
    session: Session, cleans: list[CleanOrganisation], *, today: date
) -> list[int]:
    """Add many validated organisations inside the caller's transaction (a list's new
    organisations): one flush for them, one for their phase and topics."""
    now = datetime.now(UTC)
    orgs = []
    for clean in cleans:
        org = Organisation(
            **{name: getattr(clean, name) for name in _ORG_FIELDS},
            phase=clean.phase, phase_changed_on=today, updated_at=now,
        )  # fmt: skip
        org.search_text = organisation_search_key(org)
        orgs.append(org)
    session.add_all(orgs)
    session.flush()
    for org, clean in zip(orgs, cleans, strict=True):
        assert org.id is not None
        session.add(
            PhaseChange(
                organisation_id=org.id, from_phase=None, to_phase=clean.phase, changed_on=today
            )
        )
        session.add_all(OrganisationTopic(organisation_id=org.id, topic=t) for t in clean.topics)
    session.flush()
    return [org.id for org in orgs if org.id is not None]


def create_organisation(engine: Engine, data: OrganisationInput, *, today: date) -> int:
    clean = validate(data)
    with transaction(engine) as session:
        return add_organisation(session, clean, today=today)


def update_organisation(
    engine: Engine, org_id: int, data: OrganisationInput, *, today: date,
    expected_version: int | None = None,
) -> None:  # fmt: skip
    """Save the form; EditConflict when somebody saved since ``expected_version``."""
    clean = validate(data)
    with transaction(engine) as session:
        org = locked(session, Organisation, org_id)
        check(session, org, expected_version, "organisation")
        org.version += 1  # first: a flush inside _apply records the new version already
        _apply(session, org, clean, today)
        _refresh_member_keys(session, org_id)


def change_phase(
    engine: Engine, org_id: int, phase: Phase, *, on: date, note: str = "",
    expected_version: int | None = None,
) -> None:  # fmt: skip
    """Move an organisation to another network phase; the change is kept as history.
    EditConflict when the organisation changed since ``expected_version``."""
    with transaction(engine) as session:
        org = locked(session, Organisation, org_id)
        check(session, org, expected_version, "organisation")
        if org.phase == phase:
            return
        session.add(
            PhaseChange(
                organisation_id=org_id,
                from_phase=org.phase,
                to_phase=phase,
                changed_on=on,
                note=note,
            )
        )
        org.phase = phase
        org.phase_changed_on = on
        org.updated_at = datetime.now(UTC)
        org.version += 1


def input_of(engine: Engine, org_id: int) -> OrganisationInput:
    """The stored organisation as form input, for editing."""
    with reading(engine) as session:
        org = session.get(Organisation, org_id)
        if org is None:
            raise LookupError(org_id)
        topics = session.exec(
            select(OrganisationTopic.topic).where(OrganisationTopic.organisation_id == org_id)
        ).all()
        return OrganisationInput(
            name=org.name,
            kind=org.kind.value,
            origin=org.origin,
            city=org.city,
            district=org.district,
            topics=", ".join(Topic(t).value for t in topics),
            phase=org.phase.value,
            membership=org.membership.value,
            website=org.website,
            notes=org.notes,
        )


def _refresh_member_keys(session: Session, org_id: int) -> None:
    """People are found by the names of their organisations: renew their search keys."""
    from coordinator.register.people import person_search_key

    people = session.exec(
        select(Person).join(Affiliation, col(Affiliation.person_id) == col(Person.id))
        .where(Affiliation.organisation_id == org_id)
    ).all()  # fmt: skip
    for person in people:
        person.search_text = person_search_key(session, person)


@dataclass(frozen=True)
class DeletionImpact:
    """What deleting an organisation takes with it, and what it leaves."""

    name: str
    members: int  # people lose this membership; the people stay
    contact_log: int  # entries about the organisation only: deleted
    tasks: int  # tasks it owned: kept, unassigned
    phase_changes: int
    member_names: list[str] = field(default_factory=list)


def deletion_impact(engine: Engine, org_id: int) -> DeletionImpact:
    with reading(engine) as session:
        org = session.get(Organisation, org_id)
        if org is None:
            raise LookupError(org_id)

        def count(statement: object) -> int:
            return int(session.exec(statement).one())  # type: ignore[call-overload]

        names = session.exec(
            select(Person.given_name, Person.family_name)
            .join(Affiliation, col(Affiliation.person_id) == col(Person.id))
            .where(Affiliation.organisation_id == org_id)
            .order_by(col(Person.sort_name))
        ).all()
        return DeletionImpact(
            name=org.name,
            members=len(names),
            contact_log=count(
                select(func.count())
                .select_from(ContactLogEntry)
                .where(
                    ContactLogEntry.organisation_id == org_id,
                    col(ContactLogEntry.person_id).is_(None),
                )
            ),
            tasks=count(
                select(func.count()).select_from(Task).where(Task.owner_organisation_id == org_id)
            ),
            phase_changes=count(
                select(func.count())
                .select_from(PhaseChange)
                .where(PhaseChange.organisation_id == org_id)
            ),
            member_names=[f"{g} {f}".strip() for g, f in names],
        )


def delete_organisation(engine: Engine, org_id: int) -> None:
    """Delete an organisation. Its people stay (without this membership), its tasks stay
    unassigned, contact-log entries that also name a person stay with that person."""
    with transaction(engine) as session:
        org = session.get(Organisation, org_id)
        if org is None:
            raise LookupError(org_id)
        member_ids = session.exec(
            select(Affiliation.person_id).where(Affiliation.organisation_id == org_id)
        ).all()
        session.exec(  # type: ignore[call-overload]
            update(ContactLogEntry)
            .where(
                col(ContactLogEntry.organisation_id) == org_id,
                col(ContactLogEntry.person_id).is_not(None),
            )
            .values(organisation_id=None)
        )
        session.delete(org)
        session.flush()
        from coordinator.register.people import person_search_key

        for person_id in member_ids:
            person = session.get(Person, person_id)
            if person is not None:
                person.search_text = person_search_key(session, person)
