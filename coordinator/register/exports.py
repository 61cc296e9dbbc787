"""What the register writes out: people and organisations as CSV and .xlsx (the import's own
columns, read back by it), JSON and, through coordinator.register.vcard, vCard."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine
from sqlmodel import col, select

from coordinator import phones
from coordinator.i18n import _
from coordinator.register.exchange import MULTI, ORGANISATION_COLUMNS, PERSON_COLUMNS
from coordinator.register.spreadsheet import write_rows
from coordinator.register.workbooks import write_workbook
from storage.enums import Topic
from storage.models import Affiliation, Organisation, OrganisationTopic, Person, PersonLanguage
from storage.uow import reading


@dataclass(frozen=True)
class PersonRecord:
    id: int
    given_name: str
    family_name: str
    email: str
    phone: str
    organisations: list[tuple[str, str]]
    languages: list[str]
    preferred_language: str
    consent_on: date | None
    consent_purpose: str
    notes: str


def person_records(engine: Engine) -> list[PersonRecord]:
    with reading(engine) as session:
        rows = session.exec(
            select(Person)
            .where(col(Person.erased_at).is_(None))
            .order_by(col(Person.sort_name), col(Person.id))
        ).all()
        orgs: dict[int, list[tuple[str, str]]] = {}
        for pid, name, role in session.exec(
            select(Affiliation.person_id, Organisation.name, Affiliation.role)
            .join(Organisation, col(Organisation.id) == col(Affiliation.organisation_id))
            .order_by(col(Organisation.sort_name))
        ):
            orgs.setdefault(pid, []).append((name, role))
        languages: dict[int, list[str]] = {}
        for pid, language in session.exec(
            select(PersonLanguage.person_id, PersonLanguage.language)
        ):
            languages.setdefault(pid, []).append(language)
        return [
            PersonRecord(
                p.id or 0, p.given_name, p.family_name, p.email, p.phone, orgs.get(p.id or 0, []),
                sorted(languages.get(p.id or 0, [])), p.preferred_language, p.consent_on, p.consent_purpose, p.notes,
            )
            for p in rows
        ]  # fmt: skip


def people_table(engine: Engine) -> tuple[list[str], list[list[str]]]:
    """The people as the import reads them back: its own column names, one row each (the
    phone as dialled, "0521 123456": a spreadsheet keeps it as text)."""
    header = [_(english) for _name, english, _g in PERSON_COLUMNS]
    rows = [
        [
            r.given_name, r.family_name, r.email, phones.shown(r.phone),
            f" {MULTI} ".join(name for name, _role in r.organisations),
            f" {MULTI} ".join(role for _name, role in r.organisations),
            ", ".join(r.languages), r.preferred_language,
            r.consent_on.isoformat() if r.consent_on else "", r.consent_purpose, r.notes,
        ]
        for r in person_records(engine)
    ]  # fmt: skip
    return header, rows


def people_csv(engine: Engine) -> str:
    return write_rows(*people_table(engine))


def people_xlsx(engine: Engine) -> bytes:
    return write_workbook(_("People"), *people_table(engine))


def people_json(engine: Engine) -> str:
    records = [
        {
            "id": r.id,
            "given_name": r.given_name,
            "family_name": r.family_name,
            "email": r.email,
            "phone": r.phone,
            "organisations": [{"name": n, "role": role} for n, role in r.organisations],
            "languages": r.languages,
            "preferred_language": r.preferred_language,
            "consent_on": r.consent_on.isoformat() if r.consent_on else None,
            "consent_purpose": r.consent_purpose,
            "notes": r.notes,
        }
        for r in person_records(engine)
    ]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def organisation_records(engine: Engine) -> list[tuple[Organisation, list[Topic]]]:
    with reading(engine) as session:
        topics: dict[int, list[Topic]] = {}
        for oid, topic in session.exec(
            select(OrganisationTopic.organisation_id, OrganisationTopic.topic)
        ):
            topics.setdefault(oid, []).append(Topic(topic))
        return [
            (o, topics.get(o.id or 0, []))
            for o in session.exec(select(Organisation).order_by(col(Organisation.sort_name)))
        ]


def organisations_table(engine: Engine) -> tuple[list[str], list[list[str]]]:
    from coordinator.labels import label

    header = [_(english) for _name, english, _g in ORGANISATION_COLUMNS]
    rows = [
        [
            o.name, label(o.kind), o.origin, o.city, o.district, ", ".join(label(t) for t in topics),
            label(o.phase), label(o.membership), o.website, o.notes,
        ]
        for o, topics in organisation_records(engine)
    ]  # fmt: skip
    return header, rows


def organisations_csv(engine: Engine) -> str:
    return write_rows(*organisations_table(engine))


def organisations_xlsx(engine: Engine) -> bytes:
    return write_workbook(_("Organisations"), *organisations_table(engine))


def organisations_json(engine: Engine) -> str:
    records = [
        {
            "id": o.id,
            "name": o.name,
            "kind": o.kind.value,
            "origin": o.origin,
            "city": o.city,
            "district": o.district,
            "topics": [t.value for t in topics],
            "phase": o.phase.value,
            "phase_changed_on": o.phase_changed_on.isoformat() if o.phase_changed_on else None,
            "membership": o.membership.value,
            "website": o.website,
            "notes": o.notes,
        }
        for o, topics in organisation_records(engine)
    ]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
