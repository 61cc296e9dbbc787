"""Import and export of the register: CSV both ways, JSON and vCard out.

An import is planned first (every row checked, nothing written: the preview and the
per-row error report), then applied in one transaction, or dropped when the coordinator
cancels, which leaves the database as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine
from sqlmodel import col, select

from coordinator.i18n import N_, _, translator
from coordinator.register import organisations, people, vcards
from coordinator.register.shapes import organisations_of, shaped
from coordinator.register.spreadsheet import BROKEN, header_key, read_rows, write_rows
from coordinator.validation import ValidationError
from storage.enums import OrgKind, Topic
from storage.models import Affiliation, Organisation, OrganisationTopic, Person, PersonLanguage
from storage.search import fold
from storage.uow import reading, transaction

MULTI = "|"  # separates several organisations (and their roles) in one cell

PERSON_COLUMNS = (
    ("given_name", N_("Given name"), "Vorname"),
    ("family_name", N_("Family name"), "Nachname"),
    ("email", N_("E-mail"), "E-Mail"),
    ("phone", N_("Phone"), "Telefon"),
    ("organisations", N_("Organisations"), "Organisation"),
    ("roles", N_("Roles"), "Rolle"),
    ("languages", N_("Languages"), "Sprache"),
    ("preferred_language", N_("Preferred language"), "Bevorzugte Sprache"),
    ("consent_on", N_("Consent given on"), "Einwilligung"),
    ("consent_purpose", N_("Consent purpose"), "Zweck"),
    ("notes", N_("Notes"), "Notiz"),
)
ORGANISATION_COLUMNS = (
    ("name", N_("Name"), "Organisation"),
    ("kind", N_("Kind"), "Typ"),
    ("origin", N_("Origin or community"), "Herkunft"),
    ("city", N_("City"), "Ort"),
    ("district", N_("District"), "Stadtteil"),
    ("topics", N_("Topics"), "Themen"),
    ("phase", N_("Phase"), "Netzwerkphase"),
    ("membership", N_("Membership"), "Status"),
    ("website", N_("Website"), "Internet"),
    ("notes", N_("Notes"), "Notiz"),
)


# How partner lists head their columns, besides our own export's names (folded, lower case).
PERSON_ALIASES = {
    "name": ("name", "vollstandiger name", "full name", "kontakt", "contact", "ansprechpartner",
             "ansprechpartnerin", "ansprechperson", "teilnehmer", "teilnehmerin"),
    "given_name": ("vorname", "first name", "firstname", "given name", "rufname"),
    "family_name": ("nachname", "familienname", "last name", "lastname", "surname", "zuname"),
    "salutation": ("anrede", "titel", "title", "salutation", "prefix", "akademischer titel"),
    "email": ("e mail", "email", "mail", "e mail adresse", "email address", "e mail address",
              "mailadresse", "e mails", "e mail 1", "e mail 2"),
    "phone": ("telefon", "tel", "tel.", "telefonnummer", "phone", "phone number", "mobil",
              "mobile", "handy", "mobilnummer", "festnetz", "telefon 1", "telefon 2"),
    "organisations": ("organisation", "organisationen", "organization", "verein", "einrichtung",
                      "institution", "trager", "company", "firma", "mso", "migrantenorganisation"),
    "roles": ("rolle", "rollen", "funktion", "position", "job title", "role", "aufgabe im verein"),
    "languages": ("sprachen", "sprache", "sprache(n)", "languages", "language", "spricht",
                  "muttersprache", "muttersprachen"),
    "notes": ("notiz", "notizen", "bemerkung", "bemerkungen", "anmerkung", "anmerkungen",
              "kommentar", "notes", "note", "comment", "comments"),
}  # fmt: skip


FIELD_LABELS_PEOPLE = {name: english for name, english, _de in PERSON_COLUMNS} | {
    "name": N_("name (split into given and family name)"),
    "salutation": N_("salutation (set aside)"),
}
FIELD_LABELS_ORGS = {name: english for name, english, _de in ORGANISATION_COLUMNS}


def _aliases(
    columns: tuple[tuple[str, str, str], ...], more: dict[str, tuple[str, ...]] | None = None
) -> dict[str, str]:
    german = translator("de")
    found: dict[str, str] = {}
    for target, aliases in (more or {}).items():
        for alias in aliases:
            found[header_key(alias)] = target
    for name, english, extra in columns:
        for alias in (name, english, german.gettext(english), extra):
            found[header_key(alias)] = name
    return found


@dataclass
class RowProblem:
    line: int
    summary: str  # what the row is about (a name), for the report
    errors: dict[str, str]


def broken_row(line: int) -> RowProblem:
    return RowProblem(
        line,
        "",
        {"row": _('A quote (") that is never closed, or a stray one: the row cannot be read.')},
    )


@dataclass
class ImportPlan:
    """What an import would do; nothing is written until ``apply_import``."""

    kind: str  # "people" or "organisations"
    rows: list[tuple[int, object]] = field(default_factory=list)  # (line, validated row)
    problems: list[RowProblem] = field(default_factory=list)
    new_organisations: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    mapping: list[tuple[str, str]] = field(default_factory=list)  # (column, field) as read
    delimiter: str = ";"
    encoding: str = "utf-8"

    @property
    def valid(self) -> int:
        return len(self.rows)

    @property
    def sheet(self) -> str:
        """The workbook's sheet the rows came from ("" for CSV and vCard)."""
        return self.encoding.partition(": ")[2] if not self.delimiter else ""

    def mapping_text(self) -> str:
        """How the columns were read, in words: "Name → name (split), Verein → organisations"."""
        labels = FIELD_LABELS_PEOPLE if self.kind == "people" else FIELD_LABELS_ORGS
        return ", ".join(
            f"{column} → {_(labels.get(target, target))}" for column, target in self.mapping
        )

    def source(self) -> str:
        """Where the rows came from, for the preview: "; separated, windows-1252" or "the
        sheet “Partner” of the xlsx workbook"."""
        if self.encoding == "vcard":
            return _("an address book (vCard)")
        if not self.delimiter:
            kind, _sep, sheet = self.encoding.partition(": ")
            return _("the sheet “{sheet}” of the {kind} workbook").format(sheet=sheet, kind=kind)
        shown = {"\t": _("tab")}.get(self.delimiter, self.delimiter)
        return _("{delimiter} separated, {encoding}").format(
            delimiter=shown, encoding=self.encoding
        )


@dataclass(frozen=True)
class PersonRow:
    clean: people.CleanPerson
    organisations: tuple[tuple[str, str], ...]  # (organisation name, role)


def plan_people_import(engine: Engine, data: bytes, *, sheet: str | None = None) -> ImportPlan:
    if vcards.is_vcard(data):  # an address book from a phone or a mail program
        rows, delimiter, encoding, unknown, mapping = vcards.vcard_rows(data), "", "vcard", [], []
    else:
        rows, delimiter, encoding, unknown, mapping = read_rows(
            data, _aliases(PERSON_COLUMNS, PERSON_ALIASES), sheet=sheet
        )
    plan = ImportPlan(
        "people", delimiter=delimiter, encoding=encoding, unknown_columns=unknown, mapping=mapping
    )
    with reading(engine) as session:
        known_emails = {
            fold(e) for e in session.exec(select(Person.email).where(Person.email != "")).all()
        }
        known_orgs = {fold(n): n for n in session.exec(select(Organisation.name)).all()}
        known_names = {
            fold(f"{given} {family}".strip())
            for given, family in session.exec(
                select(Person.given_name, Person.family_name).where(col(Person.erased_at).is_(None))
            ).all()
        }
    seen_emails: set[str] = set()
    new_orgs: dict[str, str] = {}
    for line, row in rows:
        if BROKEN in row:
            plan.problems.append(broken_row(line))
            continue
        row = shaped(row)
        summary = f"{row.get('given_name', '')} {row.get('family_name', '')}".strip()
        names, roles = organisations_of(row.get("organisations", ""), row.get("roles", ""))
        data_in = people.PersonInput(
            given_name=row.get("given_name", ""),
            family_name=row.get("family_name", ""),
            email=row.get("email", ""),
            phone=row.get("phone", ""),
            languages=row.get("languages", ""),
            preferred_language=row.get("preferred_language", "") or "de",
            consent_on=row.get("consent_on", ""),
            consent_purpose=row.get("consent_purpose", ""),
            notes=row.get("notes", ""),
        )
        try:
            clean = people.validate(data_in)
        except ValidationError as exc:
            plan.problems.append(RowProblem(line, summary, exc.errors))
            continue
        key = fold(clean.email)
        if key and (key in known_emails or key in seen_emails):
            plan.problems.append(
                RowProblem(line, summary, {"email": _("Already in the register (same e-mail).")})
            )
            continue
        name_key = fold(f"{clean.given_name} {clean.family_name}".strip())
        if not key and name_key in known_names:
            plan.problems.append(
                RowProblem(
                    line,
                    summary,
                    {"family_name": _("Already in the register (same name, no e-mail).")},
                )
            )
            continue
        known_names.add(name_key)
        seen_emails.add(key)
        for name in names:
            if fold(name) not in known_orgs:
                new_orgs.setdefault(fold(name), name)
        orgs = tuple((name, roles[i] if i < len(roles) else "") for i, name in enumerate(names))
        plan.rows.append((line, PersonRow(clean, orgs)))
    plan.new_organisations = sorted(new_orgs.values())
    return plan


def plan_organisations_import(
    engine: Engine, data: bytes, *, sheet: str | None = None
) -> ImportPlan:
    rows, delimiter, encoding, unknown, mapping = read_rows(
        data, _aliases(ORGANISATION_COLUMNS), sheet=sheet
    )
    plan = ImportPlan(
        "organisations",
        delimiter=delimiter,
        encoding=encoding,
        unknown_columns=unknown,
        mapping=mapping,
    )
    with reading(engine) as session:
        known = {fold(n) for n in session.exec(select(Organisation.name)).all()}
    for line, row in rows:
        if BROKEN in row:
            plan.problems.append(broken_row(line))
            continue
        defaults = organisations.OrganisationInput()
        data_in = organisations.OrganisationInput(
            **{
                name: row.get(name) or getattr(defaults, name)
                for name, _e, _g in ORGANISATION_COLUMNS
            }
        )
        try:
            clean = organisations.validate(data_in)
        except ValidationError as exc:
            plan.problems.append(RowProblem(line, row.get("name", ""), exc.errors))
            continue
        if fold(clean.name) in known:
            plan.problems.append(
                RowProblem(line, clean.name, {"name": _("Already in the register (same name).")})
            )
            continue
        known.add(fold(clean.name))
        plan.rows.append((line, clean))
    return plan


def unmailable(plan: ImportPlan, consent: tuple[date, str] | None = None) -> int:
    """How many of the people a plan adds cannot be mailed: no e-mail address, or no
    consent (their own, or the one recorded for the whole import)."""
    return sum(
        1
        for _line, row in plan.rows
        if isinstance(row, PersonRow)
        and (not row.clean.email or (row.clean.consent_on is None and consent is None))
    )


def apply_import(
    engine: Engine, plan: ImportPlan, *, today: date, consent: tuple[date, str] | None = None
) -> int:
    """Write the valid rows of a plan in one transaction; returns how many were added.
    ``consent`` (date, purpose), confirmed by the coordinator for the whole list, is given to
    the people without one of their own."""
    with transaction(engine) as session:
        if plan.kind == "organisations":
            for _line, clean in plan.rows:
                assert isinstance(clean, organisations.CleanOrganisation)
                organisations.add_organisation(session, clean, today=today)
            return plan.valid
        ids = {
            fold(n): i for i, n in session.exec(select(Organisation.id, Organisation.name)).all()
        }
        for name in plan.new_organisations:
            if fold(name) not in ids:
                clean_org = organisations.validate(
                    organisations.OrganisationInput(name=name, kind=OrgKind.OTHER.value)
                )
                ids[fold(name)] = organisations.add_organisation(session, clean_org, today=today)
        names = {i: n for i, n in session.exec(select(Organisation.id, Organisation.name)).all()}
        cleans = []
        for _line, row in plan.rows:
            assert isinstance(row, PersonRow)
            affiliations = tuple((ids[fold(name)], role) for name, role in row.organisations)
            clean = _with_affiliations(row.clean, affiliations)
            if consent is not None and clean.consent_on is None:
                from dataclasses import replace

                clean = replace(clean, consent_on=consent[0], consent_purpose=consent[1])
            cleans.append(clean)
        people.add_people(session, cleans, names)
        return plan.valid


def _with_affiliations(
    clean: people.CleanPerson, affiliations: tuple[tuple[int, str], ...]
) -> people.CleanPerson:
    from dataclasses import replace

    return replace(clean, affiliations=affiliations)


# -- export ----------------------------------------------------------------------------------


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


def people_csv(engine: Engine) -> str:
    header = [_(english) for _name, english, _g in PERSON_COLUMNS]
    rows = (
        [
            r.given_name, r.family_name, r.email, r.phone,
            f" {MULTI} ".join(name for name, _role in r.organisations),
            f" {MULTI} ".join(role for _name, role in r.organisations),
            ", ".join(r.languages), r.preferred_language,
            r.consent_on.isoformat() if r.consent_on else "", r.consent_purpose, r.notes,
        ]
        for r in person_records(engine)
    )  # fmt: skip
    return write_rows(header, rows)


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


def organisations_csv(engine: Engine) -> str:
    from coordinator.labels import label

    header = [_(english) for _name, english, _g in ORGANISATION_COLUMNS]
    rows = (
        [
            o.name, label(o.kind), o.origin, o.city, o.district, ", ".join(label(t) for t in topics),
            label(o.phase), label(o.membership), o.website, o.notes,
        ]
        for o, topics in organisation_records(engine)
    )  # fmt: skip
    return write_rows(header, rows)


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
