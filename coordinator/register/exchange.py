"""Import and export of the register: CSV both ways, JSON and vCard out.

An import is planned first (every row checked, nothing written: the preview and the
per-row error report), then applied in one transaction, or dropped when the coordinator
cancels, which leaves the database as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import Engine
from sqlmodel import col, select

from coordinator.i18n import N_, _, translator
from coordinator.register import merging, organisations, people, vcards
from coordinator.register.matching import DEFAULT_CHOICE, NEW, Choice, Found, Match, Matcher
from coordinator.register.shapes import organisations_of, shaped
from coordinator.register.spreadsheet import BROKEN, Columns, header_key, header_set, read_rows
from coordinator.validation import ValidationError
from storage.enums import OrgKind
from storage.models import Meta, Organisation
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
    warnings: list[tuple[int, str, str]] = field(default_factory=list)  # (line, row, text)
    headers: tuple[str, ...] = ()  # the header line's names (none for an address book)
    columns: Columns = field(default_factory=dict)  # placed or skipped by the coordinator
    read: list[tuple[int, dict[str, str]]] = field(default_factory=list, repr=False)
    choices: dict[int, Choice] = field(default_factory=dict)  # by line; else the default

    def choice(self, line: int, row: object) -> Choice:
        """What is done with a row: the coordinator's choice, else its match's default."""
        found = row.found if isinstance(row, PersonRow) else NEW
        return self.choices.get(line, DEFAULT_CHOICE[found.match])

    def choose_all(self, choice: Choice) -> None:
        """``choice`` for every row that matched somebody (new rows are always added)."""
        for line, row in self.rows:
            if isinstance(row, PersonRow) and row.found.match is not Match.NEW:
                self.choices[line] = choice

    def effect(self, line: int, row: object) -> str:
        """ "add", "update" or "" for a row as chosen."""
        if not isinstance(row, PersonRow):
            return "add"
        return row.found.effect(self.choice(line, row))

    def matched(self) -> list[tuple[int, PersonRow]]:
        """The rows that may be somebody already there, in list order."""
        return [
            (line, row)
            for line, row in self.rows
            if isinstance(row, PersonRow) and row.found.match is not Match.NEW
        ]

    def counts(self) -> dict[Match, int]:
        found: dict[Match, int] = {}
        for _line, row in self.rows:
            match = row.found.match if isinstance(row, PersonRow) else Match.NEW
            found[match] = found.get(match, 0) + 1
        return found

    @property
    def valid(self) -> int:
        """How many rows would change the register (added, or filling/overwriting)."""
        return sum(1 for line, row in self.rows if self.effect(line, row))

    @property
    def sheet(self) -> str:
        """The workbook's sheet the rows came from ("" for CSV and vCard)."""
        return self.encoding.partition(": ")[2] if not self.delimiter else ""

    def mapping_text(self) -> str:
        """How the columns were read, in words: "Name → name (split), Verein → organisations"."""
        labels = FIELD_LABELS_PEOPLE if self.kind == "people" else FIELD_LABELS_ORGS
        return ", ".join(
            f"{column} → {_(labels.get(target, target)) if target else _('skipped')}"
            for column, target in self.mapping
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
    found: Found = NEW  # who the row may already be (coordinator.register.matching)

    @property
    def name(self) -> str:
        return f"{self.clean.given_name} {self.clean.family_name}".strip()


Progress = Callable[[int, int], None]  # (rows done, rows in all); it may raise to stop
_EVERY = 1_000  # rows between two progress reports


def remembered_columns(engine: Engine) -> dict[str, Columns]:
    """The column mappings chosen before, by header set (spreadsheet.header_set)."""
    with reading(engine) as session:
        found = session.exec(select(Meta).where(col(Meta.key).startswith(_REMEMBERED))).all()
    return {m.key.removeprefix(_REMEMBERED): json.loads(m.value or "{}") for m in found}


_REMEMBERED = "columns:"  # Meta keys of remembered mappings: "columns:<header set>"


def _read(
    engine: Engine, data: bytes, kind: str, sheet: str | None, columns: Columns | None
) -> ImportPlan:
    """The list's rows and how its columns are read, as a plan with no rows yet."""
    aliases = (
        _aliases(PERSON_COLUMNS, PERSON_ALIASES)
        if kind == "people"
        else _aliases(ORGANISATION_COLUMNS)
    )
    found = read_rows(
        data, aliases, sheet=sheet, columns=columns, remembered=remembered_columns(engine)
    )
    plan = ImportPlan(
        kind, delimiter=found.delimiter, encoding=found.encoding, unknown_columns=found.unknown,
        mapping=found.mapping, headers=found.headers, columns=dict(found.columns),
    )  # fmt: skip
    plan.read = found.rows
    return plan


def plan_people_import(
    engine: Engine,
    data: bytes,
    *,
    sheet: str | None = None,
    progress: Progress | None = None,
    columns: Columns | None = None,
) -> ImportPlan:
    """``columns``: how the coordinator placed or skipped columns (else as chosen before for
    the same header set, else as the headers say)."""
    if vcards.is_vcard(data):  # an address book from a phone or a mail program
        plan = ImportPlan("people", delimiter="", encoding="vcard")
        rows = vcards.vcard_rows(data)
    else:
        plan = _read(engine, data, "people", sheet, columns)
        rows = plan.read
    with reading(engine) as session:
        known_orgs = {fold(n): n for n in session.exec(select(Organisation.name)).all()}
        matcher = Matcher(session)
    new_orgs: dict[str, str] = {}
    for number, (line, row) in enumerate(rows):
        if progress is not None and number % _EVERY == 0:
            progress(number, len(rows))
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
            clean = people.validate(data_in, imported=True)
        except ValidationError as exc:
            plan.problems.append(RowProblem(line, summary, exc.errors))
            continue
        if clean.phone and not clean.phone.startswith("+"):
            plan.warnings.append(
                (line, summary, _("phone number kept as written: it cannot be read as one"))
            )
        found = matcher.match(line, clean.__dict__, clean.languages, names)
        for name in names:
            if fold(name) not in known_orgs:
                new_orgs.setdefault(fold(name), name)
        orgs = tuple((name, roles[i] if i < len(roles) else "") for i, name in enumerate(names))
        plan.rows.append((line, PersonRow(clean, orgs, found)))
    plan.new_organisations = sorted(new_orgs.values())
    return plan


def plan_organisations_import(
    engine: Engine,
    data: bytes,
    *,
    sheet: str | None = None,
    progress: Progress | None = None,
    columns: Columns | None = None,
) -> ImportPlan:
    plan = _read(engine, data, "organisations", sheet, columns)
    rows = plan.read
    with reading(engine) as session:
        known = {fold(n) for n in session.exec(select(Organisation.name)).all()}
    for number, (line, row) in enumerate(rows):
        if progress is not None and number % _EVERY == 0:
            progress(number, len(rows))
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
        for line, row in plan.rows
        if isinstance(row, PersonRow)
        and plan.effect(line, row) == "add"
        and (not row.clean.email or (row.clean.consent_on is None and consent is None))
    )


def apply_import(
    engine: Engine,
    plan: ImportPlan,
    *,
    today: date,
    consent: tuple[date, str] | None = None,
    progress: Progress | None = None,
) -> int:
    """Write a plan in one transaction: the rows added, the people filled or overwritten as
    chosen; returns how many rows changed the register. ``consent`` (date, purpose),
    confirmed by the coordinator for the whole list, is given to the people without one."""
    with transaction(engine) as session:
        if plan.columns and plan.headers:  # chosen once, remembered for the same columns
            key = _REMEMBERED + header_set(plan.headers)
            session.merge(Meta(key=key, value=json.dumps(plan.columns, ensure_ascii=False)))
        if plan.kind == "organisations":
            for _line, clean in plan.rows:
                assert isinstance(clean, organisations.CleanOrganisation)
                organisations.add_organisation(session, clean, today=today)
            return plan.valid
        chosen = [(line, row) for line, row in plan.rows if plan.effect(line, row)]
        ids = {
            fold(n): i for i, n in session.exec(select(Organisation.id, Organisation.name)).all()
        }
        new: dict[str, organisations.CleanOrganisation] = {}
        for _line, row in chosen:
            assert isinstance(row, PersonRow)
            for name, _role in row.organisations:
                if fold(name) not in ids and fold(name) not in new:
                    new[fold(name)] = organisations.validate(
                        organisations.OrganisationInput(name=name, kind=OrgKind.OTHER.value)
                    )
        made = organisations.add_organisations(session, list(new.values()), today=today)
        ids.update(zip(new, made, strict=True))
        names = {i: n for i, n in session.exec(select(Organisation.id, Organisation.name)).all()}
        cleans = []
        for line, row in chosen:
            assert isinstance(row, PersonRow)
            affiliations = tuple((ids[fold(name)], role) for name, role in row.organisations)
            clean = replace(row.clean, affiliations=affiliations)
            if consent is not None and clean.consent_on is None:
                clean = replace(clean, consent_on=consent[0], consent_purpose=consent[1])
            if plan.effect(line, row) == "add":
                cleans.append(clean)
            else:
                assert row.found.candidate is not None and row.found.candidate.person_id
                choice = plan.choice(line, row)
                merging.update_from_row(
                    session,
                    row.found.candidate.person_id,
                    clean,
                    names,
                    overwrite=choice is Choice.OVERWRITE,
                )
        total = len(cleans)
        people.add_people(
            session, cleans, names,
            progress=(lambda done: progress(done, total)) if progress is not None else None,
        )  # fmt: skip
        return len(chosen)
