"""Two records that are one: an imported row filled into or written over a person already in
the register, and the merge of two people or two organisations (issue 19).

A merge moves everything the other record has to the survivor in one transaction: contact
log, affiliations, languages, invitations and answers, group memberships, poll votes, mails
sent, tasks, agenda items presented, minutes taken and attendance, organiser of meetings,
the consent, and the history (its audit entries name the survivor from then on). Where both
have the same link (invited to one meeting, in one organisation), the survivor's stays. The
survivor's empty fields are filled from the other; the other is deleted; the audit trail
records the merge."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel, select

from coordinator.i18n import _
from coordinator.network.concurrency import locked
from coordinator.register import people
from coordinator.validation import ValidationError
from storage import audit
from storage.models import (
    Affiliation,
    AgendaItem,
    Attendance,
    ContactLogEntry,
    Delivery,
    Invitation,
    Meeting,
    Minutes,
    Organisation,
    OrganisationTopic,
    Person,
    PersonLanguage,
    PhaseChange,
    PollVote,
    RecipientGroup,
    RecipientGroupMember,
    Task,
)
from storage.uow import reading, transaction

_PERSON_TEXT = ("given_name", "family_name", "email", "phone")
_ORG_TEXT = ("origin", "city", "district", "website")


def update_from_row(
    session: Session,
    person_id: int,
    clean: people.CleanPerson,
    organisation_names: dict[int, str],
    *,
    overwrite: bool,
) -> None:
    """An imported row given to the person it matched: their empty fields filled, or with
    ``overwrite`` the row's values over theirs; its languages and organisations added."""
    person = locked(session, Person, person_id)
    for name in (*_PERSON_TEXT, "notes"):
        new = getattr(clean, name)
        if new and (overwrite or not getattr(person, name)):
            setattr(person, name, new)
    if clean.consent_on is not None and (overwrite or person.consent_on is None):
        person.consent_on, person.consent_purpose = clean.consent_on, clean.consent_purpose
    if clean.preferred_language and overwrite:
        person.preferred_language = clean.preferred_language
    person.version += 1
    person.updated_at = datetime.now(UTC)
    known = set(
        session.exec(select(PersonLanguage.language).where(PersonLanguage.person_id == person_id))
    )
    session.add_all(
        PersonLanguage(person_id=person_id, language=code)
        for code in clean.languages
        if code not in known
    )
    roles = {
        a.organisation_id: a
        for a in session.exec(select(Affiliation).where(Affiliation.person_id == person_id))
    }
    for org_id, role in clean.affiliations:
        if org_id not in roles:
            session.add(Affiliation(person_id=person_id, organisation_id=org_id, role=role))
        elif role and (overwrite or not roles[org_id].role):
            roles[org_id].role = role
    session.flush()
    person.search_text = people.person_search_key(session, person)


def merge_into_named(engine: Engine, kind: str, other_id: int, typed: str) -> str:
    """The record ``other_id`` merged into the person or organisation ``typed`` names (the
    merge dialog's field); returns the survivor's name."""
    from coordinator.register.names import one_named

    survivor_id = one_named(engine, typed, kind, "merge")
    (merge_people if kind == "person" else merge_organisations)(engine, survivor_id, other_id)
    with reading(engine) as session:
        survivor = session.get(Person if kind == "person" else Organisation, survivor_id)
        return str(getattr(survivor, "full_name" if kind == "person" else "name", ""))


def merge_people(engine: Engine, survivor_id: int, other_id: int) -> None:
    """``other_id`` merged into ``survivor_id`` (see the module's text)."""
    if survivor_id == other_id:
        raise ValidationError({"merge": _("A person cannot be merged with themselves.")})
    with transaction(engine) as session:
        survivor = locked(session, Person, survivor_id)
        other = locked(session, Person, other_id)
        if survivor.erased_at is not None or other.erased_at is not None:
            raise ValidationError({"merge": _("An erased person cannot be merged.")})
        for name in (*_PERSON_TEXT, "preferred_language"):
            if not getattr(survivor, name) and getattr(other, name):
                setattr(survivor, name, getattr(other, name))
        survivor.notes = _joined(survivor.notes, other.notes)
        if survivor.consent_on is None and other.consent_on is not None:
            survivor.consent_on, survivor.consent_purpose = other.consent_on, other.consent_purpose
        survivor.last_contact_at = _latest(survivor.last_contact_at, other.last_contact_at)
        _move_links(session, PersonLanguage, "person_id", other_id, survivor_id, ("language",))
        _move_links(session, Affiliation, "person_id", other_id, survivor_id, ("organisation_id",))
        _move_links(
            session, RecipientGroupMember, "person_id", other_id, survivor_id, ("group_id",)
        )
        _move_links(session, PollVote, "person_id", other_id, survivor_id, ("slot_id",))
        _move_links(session, Invitation, "person_id", other_id, survivor_id, ("meeting_id",))
        _move_links(session, Attendance, "person_id", other_id, survivor_id, ("minutes_id",))
        for model, column in (
            (ContactLogEntry, "person_id"),
            (Delivery, "person_id"),
            (Task, "owner_person_id"),
            (AgendaItem, "presenter_id"),
            (Minutes, "minute_taker_id"),
            (Meeting, "organiser_id"),
        ):
            _repoint(session, model, column, other_id, survivor_id)
        survivor.version += 1
        survivor.updated_at = datetime.now(UTC)
        session.flush()
        survivor.search_text = people.person_search_key(session, survivor)
        _history_moves(session, "person", other_id, survivor_id, other.full_name)
        session.delete(other)
        session.flush()


def merge_organisations(engine: Engine, survivor_id: int, other_id: int) -> None:
    """The organisation ``other_id`` merged into ``survivor_id``: its people, topics, phase
    history, contact log and tasks move; saved groups that chose it choose the survivor."""
    from coordinator.register.organisations import organisation_search_key

    if survivor_id == other_id:
        raise ValidationError({"merge": _("An organisation cannot be merged with itself.")})
    with transaction(engine) as session:
        survivor = locked(session, Organisation, survivor_id)
        other = locked(session, Organisation, other_id)
        for name in _ORG_TEXT:
            if not getattr(survivor, name) and getattr(other, name):
                setattr(survivor, name, getattr(other, name))
        survivor.notes = _joined(survivor.notes, other.notes)
        survivor.last_contact_at = _latest(survivor.last_contact_at, other.last_contact_at)
        _move_links(session, Affiliation, "organisation_id", other_id, survivor_id, ("person_id",))
        _move_links(
            session, OrganisationTopic, "organisation_id", other_id, survivor_id, ("topic",)
        )
        for model, column in (
            (PhaseChange, "organisation_id"),
            (ContactLogEntry, "organisation_id"),
            (Task, "owner_organisation_id"),
        ):
            _repoint(session, model, column, other_id, survivor_id)
        for group in session.exec(select(RecipientGroup)):
            rule = json.loads(group.filter_json or "{}")
            if rule.get("organisation_id") == other_id:
                group.filter_json = json.dumps({**rule, "organisation_id": survivor_id})
        survivor.version += 1
        session.flush()
        survivor.search_text = organisation_search_key(survivor)
        moved = session.exec(select(Affiliation.person_id).where(
            Affiliation.organisation_id == survivor_id)).all()  # fmt: skip
        _history_moves(session, "organisation", other_id, survivor_id, other.name)
        session.delete(other)
        session.flush()
        for person_id in moved:  # their search finds them by the organisation's name
            person = session.get(Person, person_id)
            if person is not None:
                person.search_text = people.person_search_key(session, person)


def _move_links(
    session: Session,
    model: type[SQLModel],
    column: str,
    other_id: int,
    survivor_id: int,
    same: tuple[str, ...],
) -> None:
    """Rows of ``model`` that link to the other record, moved to the survivor; a row the
    survivor has already (the same values in ``same``) is dropped."""
    field = getattr(model, column)
    kept = {
        tuple(getattr(row, name) for name in same)
        for row in session.exec(select(model).where(field == survivor_id))
    }
    for row in session.exec(select(model).where(field == other_id)).all():
        if tuple(getattr(row, name) for name in same) in kept:
            session.delete(row)
        else:
            setattr(row, column, survivor_id)
    session.flush()


def _repoint(session: Session, model: type[SQLModel], column: str, old: int, new: int) -> None:
    for row in session.exec(select(model).where(getattr(model, column) == old)).all():
        setattr(row, column, new)


def _history_moves(session: Session, kind: str, other_id: int, survivor_id: int, name: str) -> None:
    """The other record's audit entries name the survivor; one entry records the merge."""
    session.flush()
    session.connection().execute(
        text("UPDATE audit_log SET subject = :new WHERE subject = :old"),
        {"new": f"{kind}:{survivor_id}", "old": f"{kind}:{other_id}"},
    )
    entry: dict[str, Any] = {
        "at": datetime.now(UTC),
        "actor": audit.actor_of(session),
        "action": "merge",
        "table_name": kind,
        "row_id": str(survivor_id),
        "subject": f"{kind}:{survivor_id}",
        "version": None,
        "changes": json.dumps({"merged": [f"{name} #{other_id}", None]}, ensure_ascii=False),
    }
    audit.write(session, [entry])


def _joined(kept: str, more: str) -> str:
    if not more or more.strip() in kept:
        return kept
    return f"{kept}\n{more}".strip()


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return max((v for v in (a, b) if v is not None), default=None)
