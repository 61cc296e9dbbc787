"""The network register lists: search as you type, filters, sorting, one page at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import col, select

from coordinator import phones
from storage.enums import Membership, OrgKind, Phase, Topic
from storage.models import Affiliation, Organisation, OrganisationTopic, Person, PersonLanguage
from storage.search import like_pattern
from storage.uow import reading


@dataclass(frozen=True)
class OrganisationFilter:
    text: str = ""
    kind: OrgKind | None = None
    topic: Topic | None = None
    phase: Phase | None = None
    city: str = ""
    sort: str = "name"  # a key of ORGANISATION_SORTS
    descending: bool = False


@dataclass(frozen=True)
class PersonFilter:
    text: str = ""
    language: str = ""
    organisation_id: int | None = None
    sort: str = "name"  # a key of PERSON_SORTS
    descending: bool = False


ORGANISATION_SORTS: dict[str, Any] = {
    "name": Organisation.sort_name,  # as a reader sorts: "Çelik" with the C
    "kind": Organisation.kind,
    "city": Organisation.city,
    "phase": Organisation.phase,
    "membership": Organisation.membership,
    "last_contact": Organisation.last_contact_at,
}
PERSON_SORTS: dict[str, Any] = {
    "name": Person.sort_name,  # family, then given name, case and accents aside
    "email": Person.email,
    "language": Person.preferred_language,
    "last_contact": Person.last_contact_at,
}


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
    languages: list[str] = field(default_factory=list)


def _words(text: str) -> list[str]:
    return [word for word in text.split() if word]


def _organisation_conditions(flt: OrganisationFilter) -> list[Any]:
    conditions: list[Any] = [
        col(Organisation.search_text).like(like_pattern(word), escape="\\")
        for word in _words(flt.text)
    ]
    if flt.kind:
        conditions.append(Organisation.kind == flt.kind)
    if flt.phase:
        conditions.append(Organisation.phase == flt.phase)
    if flt.city:
        conditions.append(Organisation.city == flt.city)
    if flt.topic:
        conditions.append(
            col(Organisation.id).in_(
                select(OrganisationTopic.organisation_id).where(
                    OrganisationTopic.topic == flt.topic
                )
            )
        )
    return conditions


def _order(columns: Any, descending: bool, tiebreak: Any) -> list[Any]:
    columns = columns if isinstance(columns, tuple) else (columns,)
    order = [col(c).desc() if descending else col(c).asc() for c in columns]
    return [*order, col(tiebreak).desc() if descending else col(tiebreak)]


COUNT_CAP = 1000  # lists say "1000+" beyond this: counting every match would cost a full scan


def _capped_count(session: Any, model: Any, conditions: list[Any]) -> int:
    """How many rows match, counting no further than COUNT_CAP + 1."""
    matches = select(model.id).where(*conditions).limit(COUNT_CAP + 1).subquery()
    return int(session.exec(select(func.count()).select_from(matches)).one())


def count_organisations(engine: Engine, flt: OrganisationFilter = OrganisationFilter()) -> int:
    with reading(engine) as session:
        return _capped_count(session, Organisation, _organisation_conditions(flt))


def organisation_page(
    engine: Engine, flt: OrganisationFilter = OrganisationFilter(), *, offset: int, limit: int
) -> list[OrganisationRow]:
    column = ORGANISATION_SORTS.get(flt.sort, Organisation.name)
    with reading(engine) as session:
        rows = session.exec(
            select(
                Organisation.id, Organisation.name, Organisation.kind, Organisation.city, Organisation.district,
                Organisation.phase, Organisation.membership, Organisation.last_contact_at,
            )
            .where(*_organisation_conditions(flt))
            .order_by(*_order(column, flt.descending, Organisation.id))
            .offset(offset)
            .limit(limit)
        ).all()  # fmt: skip
        return [OrganisationRow(*row) for row in rows]


def cities(engine: Engine) -> list[str]:
    with reading(engine) as session:
        return [
            city
            for city in session.exec(
                select(Organisation.city)
                .where(Organisation.city != "")
                .distinct()
                .order_by(col(Organisation.city))
            ).all()
        ]


def languages(engine: Engine) -> list[str]:
    with reading(engine) as session:
        return list(
            session.exec(
                select(PersonLanguage.language).distinct().order_by(col(PersonLanguage.language))
            ).all()
        )


def person_conditions(flt: PersonFilter) -> list[Any]:
    conditions: list[Any] = [col(Person.erased_at).is_(None)]
    conditions += [
        col(Person.search_text).like(like_pattern(word), escape="\\") for word in _words(flt.text)
    ]
    # EXISTS rather than IN: the list reads people in name order and checks each one by
    # primary key, so the first page needs no scan of all people speaking that language.
    if flt.language:
        conditions.append(
            select(PersonLanguage.person_id)
            .where(PersonLanguage.person_id == Person.id, PersonLanguage.language == flt.language)
            .exists()
        )
    if flt.organisation_id is not None:
        conditions.append(
            select(Affiliation.person_id)
            .where(
                Affiliation.person_id == Person.id,
                Affiliation.organisation_id == flt.organisation_id,
            )
            .exists()
        )
    return conditions


def count_people(engine: Engine, flt: PersonFilter = PersonFilter()) -> int:
    with reading(engine) as session:
        return _capped_count(session, Person, person_conditions(flt))


def people_page(
    engine: Engine, flt: PersonFilter = PersonFilter(), *, offset: int, limit: int
) -> list[PersonRow]:
    column = PERSON_SORTS.get(flt.sort, Person.family_name)
    with reading(engine) as session:
        people = session.exec(
            select(
                Person.id, Person.given_name, Person.family_name, Person.email, Person.phone,
                Person.preferred_language, Person.last_contact_at,
            )
            .where(*person_conditions(flt))
            .order_by(*_order(column, flt.descending, Person.id))
            .offset(offset)
            .limit(limit)
        ).all()  # fmt: skip
        ids = [p[0] for p in people]
        orgs: dict[int, list[str]] = {}
        if ids:
            for person_id, name in session.exec(
                select(Affiliation.person_id, Organisation.name)
                .join(Organisation, col(Organisation.id) == col(Affiliation.organisation_id))
                .where(col(Affiliation.person_id).in_(ids))
                .order_by(col(Organisation.sort_name))
            ):
                orgs.setdefault(person_id, []).append(name)
        return [
            PersonRow(
                pid,
                " ".join(p for p in (given, family) if p),
                "; ".join(orgs.get(pid, [])),
                email,
                phones.shown(phone),
                preferred,
                last,
            )
            for pid, given, family, email, phone, preferred, last in people
        ]


def pipeline(engine: Engine) -> dict[Phase, list[tuple[int, str]]]:
    """Organisations by network phase (not former members), for the pipeline view."""
    found: dict[Phase, list[tuple[int, str]]] = {phase: [] for phase in Phase}
    with reading(engine) as session:
        for oid, name, phase in session.exec(
            select(Organisation.id, Organisation.name, Organisation.phase)
            .where(Organisation.membership != Membership.FORMER)
            .order_by(col(Organisation.sort_name))
        ):
            found[Phase(phase)].append((oid, name))
    return found


def first_organisations(
    engine: Engine, flt: OrganisationFilter, *, limit: int
) -> tuple[list[OrganisationRow], int]:
    """The first page and how many match: a short page is the whole answer, so the count
    query runs only when the page is full (and stops at COUNT_CAP)."""
    rows = organisation_page(engine, flt, offset=0, limit=limit)
    return rows, len(rows) if len(rows) < limit else count_organisations(engine, flt)


def first_people(engine: Engine, flt: PersonFilter, *, limit: int) -> tuple[list[PersonRow], int]:
    rows = people_page(engine, flt, offset=0, limit=limit)
    return rows, len(rows) if len(rows) < limit else count_people(engine, flt)
