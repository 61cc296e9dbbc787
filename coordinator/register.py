"""The network register: pages of organisations and people for the lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func
from sqlmodel import col, select

from storage.enums import Membership, OrgKind, Phase
from storage.models import Affiliation, Organisation, Person
from storage.uow import reading


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    name: str
    kind: OrgKind
    city: str
    district: str
    phase: Phase
    membership: Membership
    last_contact_at: datetime | None


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    organisations: str
    email: str
    phone: str
    preferred_language: str
    last_contact_at: datetime | None


def count_organisations(engine: Engine) -> int:
    with reading(engine) as session:
        return session.exec(select(func.count()).select_from(Organisation)).one()


def organisation_page(engine: Engine, *, offset: int, limit: int) -> list[OrganisationRow]:
    with reading(engine) as session:
        rows = session.exec(
            select(Organisation)
            .order_by(col(Organisation.name), col(Organisation.id))
            .offset(offset)
            .limit(limit)
        ).all()
        return [
            OrganisationRow(
                org.id or 0,
                org.name,
                org.kind,
                org.city,
                org.district,
                org.phase,
                org.membership,
                org.last_contact_at,
            )
            for org in rows
        ]


def count_people(engine: Engine) -> int:
    with reading(engine) as session:
        return session.exec(
            select(func.count()).select_from(Person).where(col(Person.erased_at).is_(None))
        ).one()


def people_page(engine: Engine, *, offset: int, limit: int) -> list[PersonRow]:
    with reading(engine) as session:
        people = session.exec(
            select(Person)
            .where(col(Person.erased_at).is_(None))
            .order_by(col(Person.family_name), col(Person.given_name), col(Person.id))
            .offset(offset)
            .limit(limit)
        ).all()
        ids = [p.id for p in people]
        orgs: dict[int, list[str]] = {}
        if ids:
            for person_id, name in session.exec(
                select(Affiliation.person_id, Organisation.name)
                .join(Organisation, col(Organisation.id) == col(Affiliation.organisation_id))
                .where(col(Affiliation.person_id).in_(ids))
                .order_by(col(Organisation.name))
            ):
                orgs.setdefault(person_id, []).append(name)
        return [
            PersonRow(
                p.id or 0,
                p.full_name,
                "; ".join(orgs.get(p.id or 0, [])),
                p.email,
                p.phone,
                p.preferred_language,
                p.last_contact_at,
            )
            for p in people
        ]
