"""Who an imported row may already be: matched against the register and against the rows of
the same list above it (issue 19, docs/0010-lists.md).

- the same e-mail address, or the same phone number (E.164) under a fitting name (an office
  number is shared by people of one organisation), is the same person: **same** when the row
  agrees with the register wherever both say something, **conflicting** otherwise;
- the same name, or a name rapidfuzz finds similar within a shared organisation ("Ayse
  Yilmaz" and "Ayşe Yılmaz" at the Kulturverein), is **probably the same** (the same name in
  the same organisations with nothing else to tell them apart is the same);
- anything else is **new**.

The coordinator chooses per row or for all: skip, fill the empty fields, overwrite, or add as
a new person. A row like one above it in the same list is skipped unless added as new."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process
from sqlmodel import Session, col, select

from coordinator import phones
from coordinator.i18n import N_, _
from storage.models import Affiliation, Organisation, Person, PersonLanguage
from storage.search import fold

SIMILAR = 88  # rapidfuzz's token-sort ratio from which two names in one organisation match


class Match(StrEnum):
    NEW = "new"
    SAME = "same"
    PROBABLY = "probably"
    CONFLICTING = "conflicting"


class Choice(StrEnum):
    SKIP = "skip"
    FILL = "fill"  # fill the register's empty fields from the row
    OVERWRITE = "overwrite"  # the row's values replace the register's
    ADD = "add"  # a new person all the same


MATCH_LABELS = {
    Match.NEW: N_("new"),
    Match.SAME: N_("already in the register"),
    Match.PROBABLY: N_("probably the same"),
    Match.CONFLICTING: N_("conflicting"),
}
CHOICE_LABELS = {
    Choice.SKIP: N_("skip"),
    Choice.FILL: N_("fill empty fields"),
    Choice.OVERWRITE: N_("overwrite"),
    Choice.ADD: N_("add as new"),
}
DEFAULT_CHOICE = {
    Match.NEW: Choice.ADD,
    Match.SAME: Choice.FILL,  # adds what the register lacks, changes nothing it has
    Match.PROBABLY: Choice.SKIP,
    Match.CONFLICTING: Choice.SKIP,
}
COMPARED = ("given_name", "family_name", "email", "phone")  # where a difference conflicts
FILLED = ("given_name", "family_name", "email", "phone", "notes", "consent_on")


@dataclass(frozen=True)
class Candidate:
    """What the matcher knows of a person in the register (or a row above in the list)."""

    person_id: int | None  # None: a row of the same list
    line: int | None
    label: str  # the name, for the preview
    values: dict[str, object]
    languages: frozenset[str]
    organisations: frozenset[str]  # folded names
    key: str = ""  # the folded full name


@dataclass(frozen=True)
class Found:
    match: Match = Match.NEW
    candidate: Candidate | None = None
    differs: tuple[str, ...] = ()  # fields where the row and the candidate disagree
    fills: tuple[str, ...] = ()  # what "fill empty fields" would add

    def effect(self, choice: Choice) -> str:
        """ "add", "update" or "" (nothing changes) for ``choice`` on this row."""
        if choice is Choice.ADD:
            return "add"
        if choice is Choice.SKIP or self.candidate is None or self.candidate.person_id is None:
            return ""
        if choice is Choice.FILL:
            return "update" if self.fills else ""
        return "update" if self.fills or self.differs else ""


NEW = Found()


class Matcher:
    """The register's people (read once per import) and the rows of the list seen so far."""

    def __init__(self, session: Session) -> None:
        self._by_email: dict[str, Candidate] = {}
        self._by_phone: dict[str, Candidate] = {}
        self._by_name: dict[str, list[Candidate]] = defaultdict(list)
        self._by_org: dict[str, tuple[list[str], list[Candidate]]] = defaultdict(
            lambda: ([], [])
        )  # an organisation's people: their folded names (for rapidfuzz) and themselves
        orgs: dict[int, set[str]] = defaultdict(set)
        for pid, name in session.exec(
            select(Affiliation.person_id, Organisation.name).join(
                Organisation, col(Organisation.id) == col(Affiliation.organisation_id)
            )
        ):
            orgs[pid].add(fold(name))
        languages: dict[int, set[str]] = defaultdict(set)
        for pid, code in session.exec(select(PersonLanguage.person_id, PersonLanguage.language)):
            languages[pid].add(code)
        columns = [getattr(Person, name) for name in FILLED]
        for pid, *values in session.exec(
            select(Person.id, *columns).where(col(Person.erased_at).is_(None))
        ):  # (columns, not objects: a register of 50,000 is read in a moment)
            known = dict(zip(FILLED, values, strict=True))
            if not str(known["phone"]).startswith("+"):  # (stored E.164 is taken as it is)
                known["phone"] = phones.e164(str(known["phone"])) or known["phone"]
            name = f"{known['given_name']} {known['family_name']}".strip()
            self._add(
                Candidate(pid, None, name, known, frozenset(languages[pid]), frozenset(orgs[pid]),
                          _name_key(known))
            )  # fmt: skip

    def _add(self, known: Candidate) -> None:
        if email := fold(str(known.values["email"] or "")):
            self._by_email.setdefault(email, known)
        if (phone := str(known.values["phone"] or "")).startswith("+"):
            self._by_phone.setdefault(phone, known)
        self._by_name[known.key].append(known)
        for org in known.organisations:
            keys, people = self._by_org[org]
            keys.append(known.key)
            people.append(known)

    def match(self, line: int, values: dict[str, object], languages: Iterable[str],
              organisations: Iterable[str]) -> Found:  # fmt: skip
        """Who the row of ``line`` may be; the row is remembered for the rows below it."""
        orgs = frozenset(fold(name) for name in organisations)
        langs = frozenset(languages)
        key = _name_key(values)
        found = self._find(values, orgs, key)
        row = Candidate(None, line, _label(values), values, langs, orgs, key)
        self._add(row)
        if found is None:
            return NEW
        differs = tuple(
            name
            for name in COMPARED
            if values.get(name) and found.values.get(name) and not _same(name, values, found)
        )
        fills = tuple(
            name for name in FILLED if values.get(name) and not found.values.get(name)
        ) + (("languages",) if langs - found.languages else ())
        fills += ("organisations",) if orgs - found.organisations else ()
        by_key = _key_of(values) & _key_of(found.values)
        alike = (  # no address either way, but nothing tells them apart: one person
            key == found.key and orgs == found.organisations and not differs and not fills
        )
        if not by_key and not alike:
            return Found(Match.PROBABLY, found, differs, fills)
        return Found(Match.CONFLICTING if differs else Match.SAME, found, differs, fills)

    def _find(self, values: dict[str, object], orgs: frozenset[str], key: str) -> Candidate | None:
        if (email := fold(str(values.get("email") or ""))) and email in self._by_email:
            return self._by_email[email]
        phone = str(values.get("phone") or "")
        if phone.startswith("+") and (known := self._by_phone.get(phone)) is not None:
            # A number shared by people of one office is not one person: the names must fit.
            theirs = known.key
            if not key or not theirs or fuzz.token_sort_ratio(key, theirs) >= SIMILAR:
                return known
        if key and self._by_name.get(key):
            return self._by_name[key][0]
        if not key:
            return None
        if any(ch.isdigit() for ch in key):
            return None  # "Gruppe 1" and "Gruppe 2" are not one: names with digits match exactly
        best, score = None, 0.0
        for org in orgs:
            if org not in self._by_org:
                continue
            keys, people = self._by_org[org]
            found = process.extractOne(
                key, keys, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILAR
            )  # (in C over the organisation's names)
            if found is not None and found[1] > score:
                best, score = people[found[2]], found[1]
        return best


def _name_key(values: dict[str, object]) -> str:
    return fold(f"{values.get('given_name') or ''} {values.get('family_name') or ''}").strip()


def _label(values: dict[str, object]) -> str:
    return f"{values.get('given_name') or ''} {values.get('family_name') or ''}".strip()


def _key_of(values: dict[str, object]) -> set[str]:
    keys = set()
    if email := fold(str(values.get("email") or "")):
        keys.add(f"e:{email}")
    if (phone := str(values.get("phone") or "")).startswith("+"):
        keys.add(f"p:{phone}")
    return keys


def _same(name: str, values: dict[str, object], known: Candidate) -> bool:
    return fold(str(values[name])) == fold(str(known.values[name]))


def candidate_text(found: Found) -> str:
    """Whom a row may be: "Ayşe Yılmaz #3 (differs in: phone)" in the register, or "(line 4
    of the list)"."""
    if found.candidate is None:
        return ""
    if found.candidate.person_id is None:
        return _("(line {line} of the list)").format(line=found.candidate.line)
    text = f"{found.candidate.label} #{found.candidate.person_id}"
    if found.differs:
        text += " " + _("(differs in: {fields})").format(fields=", ".join(found.differs))
    return text
