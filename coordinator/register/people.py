"""Contact people: add, edit (with their organisations and roles), delete (saying what goes
with it). Erasure on request is in gdpr.py."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Engine, delete, func, update
from sqlmodel import Session, col, select

from coordinator import phones
from coordinator.i18n import _
from coordinator.languages import language_name, language_names
from coordinator.network.concurrency import check, locked
from coordinator.validation import Checker, ValidationError
from storage import audit
from storage.bulk import BulkWriter
from storage.models import (
    Affiliation,
    AgendaItem,
    Attendance,
    ContactLogEntry,
    Invitation,
    Organisation,
    Person,
    PersonLanguage,
    Task,
)
from storage.search import fold, like_pattern, search_key, sort_key
from storage.uow import reading, transaction


@dataclass
class PersonInput:
    """What a form or a spreadsheet row says about a person (all text, organisations by id)."""

    given_name: str = ""
    family_name: str = ""
    email: str = ""
    phone: str = ""
    languages: str = ""  # comma-separated codes: "de, tr"
    preferred_language: str = "de"
    consent_on: str = ""
    consent_purpose: str = ""
    notes: str = ""
    affiliations: list[tuple[int, str]] = field(default_factory=list)  # (organisation id, role)


@dataclass(frozen=True)
class CleanPerson:
    given_name: str
    family_name: str
    email: str
    phone: str
    languages: tuple[str, ...]
    preferred_language: str
    consent_on: date | None
    consent_purpose: str
    notes: str
    affiliations: tuple[tuple[int, str], ...]


def validate(data: PersonInput, *, imported: bool = False) -> CleanPerson:
    """``imported``: a row of a partner's list, whose phone number is kept as written when it
    cannot be read as one (the import says so); typed into the form, it is refused."""
    check = Checker()
    given = check.length("given_name", data.given_name, 120)
    family = check.length("family_name", data.family_name, 120)
    if not given and not family:
        check.fail("family_name", _("Enter a name."))
    consent_on = check.date("consent_on", data.consent_on)
    purpose = check.length("consent_purpose", data.consent_purpose, 300)
    if consent_on and not purpose:
        check.fail("consent_purpose", _("Say what the consent was given for."))
    if consent_on and consent_on > date.today():
        check.fail("consent_on", _("The consent date lies in the future."))
    roles: dict[int, str] = {}
    for org_id, role in data.affiliations:
        roles[org_id] = check.length("affiliations", role, 120)
    clean = CleanPerson(
        given_name=given,
        family_name=family,
        email=check.email("email", data.email),
        phone=check.phone("phone", data.phone, keep_unread=imported),
        languages=tuple(check.languages("languages", data.languages)),
        preferred_language=check.language("preferred_language", data.preferred_language) or "de",
        consent_on=consent_on,
        consent_purpose=purpose,
        notes=check.length("notes", data.notes, 5000),
        affiliations=tuple(roles.items()),
    )
    check.check()
    return clean


def person_search_key(session: Session, person: Person) -> str:
    orgs = session.exec(
        select(Organisation.name)
        .join(Affiliation, col(Affiliation.organisation_id) == col(Organisation.id))
        .where(Affiliation.person_id == person.id)
    ).all()
    return _search_key_of(person, orgs)


def _search_key_of(person: Person | CleanPerson, organisations: Iterable[str]) -> str:
    """What a search finds a person by: names, address, phone, notes, organisations."""
    return search_key(
        (person.given_name, person.family_name, person.email, *phones.search_forms(person.phone),
         person.notes, *organisations)
    )  # fmt: skip


_PERSON_FIELDS = (
    "given_name",
    "family_name",
    "email",
    "phone",
    "preferred_language",
    "consent_on",
    "consent_purpose",
    "notes",
)


def _apply(session: Session, person: Person, clean: CleanPerson) -> None:
    for name in _PERSON_FIELDS:
        setattr(person, name, getattr(clean, name))
    person.updated_at = datetime.now(UTC)
    session.add(person)
    session.flush()
    assert person.id is not None
    known = set(
        session.exec(
            select(Organisation.id).where(
                col(Organisation.id).in_([o for o, _ in clean.affiliations])
            )
        ).all()
    )
    missing = [org_id for org_id, _ in clean.affiliations if org_id not in known]
    if missing:
        raise ValidationError({"affiliations": _("Unknown organisation.")})
    session.exec(delete(PersonLanguage).where(col(PersonLanguage.person_id) == person.id))  # type: ignore[call-overload]
    for language in clean.languages:
        session.add(PersonLanguage(person_id=person.id, language=language))
    session.exec(delete(Affiliation).where(col(Affiliation.person_id) == person.id))  # type: ignore[call-overload]
    for org_id, role in clean.affiliations:
        session.add(Affiliation(person_id=person.id, organisation_id=org_id, role=role))
    session.flush()
    person.search_text = person_search_key(session, person)


def add_person(session: Session, clean: CleanPerson) -> int:
    """Add a validated person inside the caller's transaction."""
    person = Person()
    _apply(session, person, clean)
    assert person.id is not None
    return person.id


def add_people(
    session: Session,
    cleans: list[CleanPerson],
    organisation_names: dict[int, str],
    *,
    progress: Callable[[int], None] | None = None,
) -> list[int]:
    """Add many validated people inside the caller's transaction, in bulk (storage.bulk):
    an import of 50,000 holds the write lock for a few seconds, not one round trip per row.
    Each person gets an "insert" entry in the audit trail, as the form's would. ``organisation_
    names`` holds every organisation a row is affiliated with (id to name); ``progress`` is
    told how many rows are written so far (it may raise to cancel: the caller rolls back)."""
    if any(org not in organisation_names for clean in cleans for org, _ in clean.affiliations):
        raise ValidationError({"affiliations": _("Unknown organisation.")})
    if not cleans:
        return []
    writer = BulkWriter(session)
    try:
        ids = _write_people(session, writer, cleans, organisation_names, progress)
    finally:
        writer.close()
    return ids


_BATCH = 5_000  # rows prepared, then handed to the writer while the next ones are made


def _write_people(
    session: Session,
    writer: BulkWriter,
    cleans: list[CleanPerson],
    organisation_names: dict[int, str],
    progress: Callable[[int], None] | None,
) -> list[int]:
    now = datetime.now(UTC)
    entries: list[dict[str, object]] = []
    who = audit.actor_of(session)
    table = Person.__table__  # type: ignore[attr-defined]
    ids = writer.ids(table, len(cleans))
    columns = (*_PERSON_FIELDS, "id", "search_text", "sort_name", "created_at", "updated_at",
               "version")  # fmt: skip
    for start in range(0, len(cleans), _BATCH):
        batch = list(zip(ids[start : start + _BATCH], cleans[start : start + _BATCH], strict=True))
        rows = [
            (
                *(getattr(clean, name) for name in _PERSON_FIELDS), pid,
                _search_key_of(clean, (organisation_names[org] for org, _ in clean.affiliations)),
                sort_key(clean.family_name, clean.given_name), now, now, 1,
            )
            for pid, clean in batch
        ]  # fmt: skip
        writer.insert(table, rows, columns=columns)
        writer.insert(
            PersonLanguage.__table__,  # type: ignore[attr-defined]
            [(pid, code) for pid, clean in batch for code in clean.languages],
            columns=("person_id", "language"),
        )
        writer.insert(
            Affiliation.__table__,  # type: ignore[attr-defined]
            [(pid, org, role) for pid, clean in batch for org, role in clean.affiliations],
            columns=("person_id", "organisation_id", "role"),
        )
        entries.extend(
            {"at": now, "actor": who, "action": "insert", "table_name": "person",
             "row_id": str(pid), "subject": f"person:{pid}", "version": 1,
             "changes": audit.inserted_changes({n: getattr(clean, n) for n in _PERSON_FIELDS})}
            for pid, clean in batch
        )  # fmt: skip
        if progress is not None:
            progress(start + len(batch))
    writer.finish()
    audit.write(session, entries)  # (as the session's own: no "changed elsewhere" notice)
    return ids


def create_person(engine: Engine, data: PersonInput) -> int:
    clean = validate(data)
    with transaction(engine) as session:
        return add_person(session, clean)


def update_person(
    engine: Engine, person_id: int, data: PersonInput, *, expected_version: int | None = None
) -> None:
    """Save the form; EditConflict when somebody saved since ``expected_version``."""
    clean = validate(data)
    with transaction(engine) as session:
        person = locked(session, Person, person_id)
        if person.erased_at is not None:
            raise LookupError(person_id)
        check(session, person, expected_version, "person")
        person.version += 1  # first: a flush inside _apply records the new version already
        _apply(session, person, clean)


def input_of(engine: Engine, person_id: int) -> PersonInput:
    with reading(engine) as session:
        person = session.get(Person, person_id)
        if person is None:
            raise LookupError(person_id)
        languages = session.exec(
            select(PersonLanguage.language).where(PersonLanguage.person_id == person_id)
        ).all()
        affiliations = session.exec(
            select(Affiliation.organisation_id, Affiliation.role).where(
                Affiliation.person_id == person_id
            )
        ).all()
        return PersonInput(
            given_name=person.given_name,
            family_name=person.family_name,
            email=person.email,
            phone=phones.shown(person.phone),
            languages=language_names(list(languages)),
            preferred_language=language_name(person.preferred_language),
            consent_on=person.consent_on.isoformat() if person.consent_on else "",
            consent_purpose=person.consent_purpose,
            notes=person.notes,
            affiliations=[(org_id, role) for org_id, role in affiliations],
        )


@dataclass(frozen=True)
class DeletionImpact:
    name: str
    organisations: int  # memberships removed
    invitations: int  # removed
    open_tasks: int  # reassigned, or kept unassigned
    contact_log_only_person: int  # entries about this person alone: deleted
    contact_log_with_org: int  # entries that also name an organisation: kept there
    attendance: int  # kept in the minutes with the name written out


def deletion_impact(engine: Engine, person_id: int) -> DeletionImpact:
    with reading(engine) as session:
        person = session.get(Person, person_id)
        if person is None:
            raise LookupError(person_id)

        def count(model: type, *where: object) -> int:
            return int(session.exec(select(func.count()).select_from(model).where(*where)).one())  # type: ignore[arg-type]

        return DeletionImpact(
            name=person.full_name,
            organisations=count(Affiliation, Affiliation.person_id == person_id),
            invitations=count(Invitation, Invitation.person_id == person_id),
            open_tasks=count(
                Task,
                Task.owner_person_id == person_id,
                col(Task.status).in_(("open", "in_progress")),
            ),
            contact_log_only_person=count(
                ContactLogEntry,
                ContactLogEntry.person_id == person_id,
                col(ContactLogEntry.organisation_id).is_(None),
            ),
            contact_log_with_org=count(
                ContactLogEntry,
                ContactLogEntry.person_id == person_id,
                col(ContactLogEntry.organisation_id).is_not(None),
            ),
            attendance=count(Attendance, Attendance.person_id == person_id),
        )


def delete_person(engine: Engine, person_id: int, *, reassign_tasks_to: int | None = None) -> None:
    """Delete a person. Their tasks go to ``reassign_tasks_to`` or stay unassigned; minutes
    keep their name as written text; memberships and invitations go."""
    with transaction(engine) as session:
        person = session.get(Person, person_id)
        if person is None:
            raise LookupError(person_id)
        if reassign_tasks_to is not None and session.get(Person, reassign_tasks_to) is None:
            raise LookupError(reassign_tasks_to)
        session.exec(  # type: ignore[call-overload]
            update(Task)
            .where(col(Task.owner_person_id) == person_id)
            .values(owner_person_id=reassign_tasks_to)
        )
        session.exec(  # type: ignore[call-overload]
            update(Attendance)
            .where(col(Attendance.person_id) == person_id)
            .values(guest_name=person.full_name, person_id=None)
        )
        session.exec(  # type: ignore[call-overload]
            update(AgendaItem)
            .where(col(AgendaItem.presenter_id) == person_id)
            .values(presenter_id=None)
        )
        session.exec(  # type: ignore[call-overload]
            delete(ContactLogEntry).where(
                col(ContactLogEntry.person_id) == person_id,
                col(ContactLogEntry.organisation_id).is_(None),
            )
        )
        session.delete(person)


AFFILIATION_SEPARATOR = "|"


def parse_affiliations(engine: Engine, names: str, roles: str) -> list[tuple[int, str]]:
    """Organisations typed by name ("A | B") with their roles ("Vorstand | Ehrenamt")."""
    from storage.search import fold

    wanted = [n.strip() for n in names.split(AFFILIATION_SEPARATOR) if n.strip()]
    role_list = [r.strip() for r in roles.split(AFFILIATION_SEPARATOR)]
    if not wanted:
        return []
    with reading(engine) as session:
        found = {
            fold(name): oid
            for oid, name in session.exec(
                select(Organisation.id, Organisation.name).where(
                    func.lower(Organisation.name).in_([n.lower() for n in wanted])
                )
            )
        }
    missing = [n for n in wanted if fold(n) not in found]
    if missing:
        raise ValidationError(
            {"affiliations": _("Unknown organisation: {names}").format(names=", ".join(missing))}
        )
    return [
        (found[fold(n)], role_list[i] if i < len(role_list) else "") for i, n in enumerate(wanted)
    ]


def affiliation_text(engine: Engine, affiliations: list[tuple[int, str]]) -> tuple[str, str]:
    """The form's text for a person's organisations and roles."""
    if not affiliations:
        return "", ""
    with reading(engine) as session:
        names = dict(
            session.exec(
                select(Organisation.id, Organisation.name).where(
                    col(Organisation.id).in_([o for o, _ in affiliations])
                )
            ).all()
        )
    separator = f" {AFFILIATION_SEPARATOR} "
    return separator.join(names[o] for o, _ in affiliations), separator.join(
        r for _, r in affiliations
    )


# --- people named in a form ----------------------------------------------------------------

_BY_ID = re.compile(r"#\s*(\d+)\s*$")


def _named_like(session: Session, text: str) -> list[tuple[int, str, str, str]]:
    """Living people whose search text holds every word of ``text`` (the index narrows the
    register; the caller compares exactly)."""
    words = fold(text).split()
    return list(
        session.exec(
            select(Person.id, Person.given_name, Person.family_name, Person.email).where(
                col(Person.erased_at).is_(None),
                *[col(Person.search_text).like(like_pattern(w), escape="\\") for w in words],
            )
        ).all()
    )


def find_person(session: Session, typed: str, check: Checker, field: str) -> int | None:
    """The living person a form names: "#12" (a name may stand before it), an e-mail address
    or the full name (case and accents do not matter). When nobody or several people match,
    the reason goes to ``check`` under ``field`` and the result is None."""
    typed = typed.strip()
    if not typed:
        return None
    number = _BY_ID.search(typed)
    if number:
        pid = int(number[1])
        person = session.get(Person, pid)
        if person is None or person.erased_at is not None:
            check.fail(field, _("No person with ID {id}.").format(id=pid))
            return None
        return pid
    key = fold(typed)
    if "@" in typed:
        matches = [pid for pid, _g, _f, email in _named_like(session, typed) if fold(email) == key]
    else:
        matches = [
            pid for pid, g, f, _e in _named_like(session, typed) if fold(f"{g} {f}".strip()) == key
        ]
    if not matches:
        check.fail(field, _("No one called “{name}” in the register.").format(name=typed))
        return None
    if len(matches) > 1:
        message = _(
            "{n} people are called “{name}”: write their ID after the name, like “{name} #{id}”."
        )
        check.fail(field, message.format(n=len(matches), name=typed, id=matches[0]))
        return None
    return matches[0]


def person_label(session: Session, person_id: int) -> str:
    """How a form shows a person so that ``find_person`` finds them again: the full name, and
    "#ID" after it when somebody else has the same name."""
    person = session.get(Person, person_id)
    if person is None:
        return f"#{person_id}"
    name = f"{person.given_name} {person.family_name}".strip()
    namesakes = [
        pid
        for pid, g, f, _e in _named_like(session, name)
        if fold(f"{g} {f}".strip()) == fold(name)
    ]
    return name if namesakes == [person_id] else f"{name} #{person_id}"
