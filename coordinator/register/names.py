"""Names a coordinator types into a field (an owner, an invitee, a minute-taker, an organiser,
an affiliation): the register's names to suggest while typing, and which of them a typed
name fits. Case and accents never matter; "jobc" fits "Jobcenter Arbeitplus, Integration
Point", "ayse yil" fits "Ayşe Yılmaz"."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from storage.models import Meeting, Organisation, Person, RecipientGroup
from storage.search import fold
from storage.uow import reading

KINDS = ("person", "organisation", "group")
_BY_ID = re.compile(r"#(\d+)\s*$")


@dataclass(frozen=True)
class Name:
    kind: str  # one of KINDS
    id: int
    label: str  # as shown and as typed back ("Name #ID" for a person with a namesake)


def names_in(session: Session, kinds: Iterable[str]) -> list[Name]:
    """The living people, the organisations and the saved groups, sorted by label."""
    wanted = set(kinds)
    found: list[Name] = []
    if "person" in wanted:
        people = [
            (pid, f"{g} {f}".strip())
            for pid, g, f in session.exec(
                select(Person.id, Person.given_name, Person.family_name).where(
                    col(Person.erased_at).is_(None)
                )
            )
        ]
        seen: dict[str, int] = {}
        for _pid, name in people:
            seen[fold(name)] = seen.get(fold(name), 0) + 1
        found += [
            Name("person", pid or 0, name if seen[fold(name)] == 1 else f"{name} #{pid}")
            for pid, name in people
            if name
        ]
    if "organisation" in wanted:
        found += [
            Name("organisation", oid or 0, oname)
            for oid, oname in session.exec(select(Organisation.id, Organisation.name))
        ]
    if "meeting" in wanted:  # a meeting or a whole series, as "Title #ID" (titles repeat)
        found += [
            Name("meeting", mid or 0, f"{title} #{mid}")
            for mid, title in session.exec(
                select(Meeting.id, Meeting.title).where(col(Meeting.series_id).is_(None))
            )
        ]
    if "group" in wanted:
        found += [
            Name("group", gid or 0, gname)
            for gid, gname in session.exec(select(RecipientGroup.id, RecipientGroup.name))
        ]
    return sorted(found, key=lambda n: (fold(n.label), n.kind, n.id))


def names(engine: Engine, kinds: Iterable[str]) -> list[Name]:
    with reading(engine) as session:
        return names_in(session, kinds)


def score(typed: str, label: str) -> float:
    """How well ``typed`` fits ``label``: 0 when it does not (every typed word must occur in
    the label), 1 when it is the label, and more for words that start the label's words."""
    wanted, candidate = fold(typed).split(), fold(label)
    if not wanted:
        return 0.0
    if " ".join(wanted) == " ".join(candidate.split()):
        return 1.0
    if not all(word in candidate for word in wanted):
        return 0.0
    starts = [w.lstrip("#(\"'„“") for w in candidate.split()]
    prefixes = sum(1 for word in wanted if any(s.startswith(word) for s in starts))
    first = 0.1 if candidate.startswith(wanted[0]) else 0.0
    return 0.4 + 0.4 * prefixes / len(wanted) + first


def fitting(typed: str, candidates: Sequence[Name]) -> list[Name]:
    """The names ``typed`` means: the one it spells out exactly, else every name it fits,
    best first. "Name #12" means person (or meeting) 12."""
    number = _BY_ID.search(typed)
    if number:
        by_id = [
            n for n in candidates if n.kind in ("person", "meeting") and n.id == int(number[1])
        ]
        if by_id:
            return by_id
    scored = [(score(typed, n.label), n) for n in candidates]
    exact = [n for s, n in scored if s == 1.0]
    if exact:
        return exact
    return [n for s, n in sorted(scored, key=lambda p: -p[0]) if s > 0]


def listed(found: Sequence[Name], limit: int = 5) -> str:
    """Up to ``limit`` labels for a message: "A, B, C …"."""
    labels = sorted({n.label for n in found}, key=fold)
    return ", ".join(labels[:limit]) + (" …" if len(labels) > limit else "")


def person_name(engine: Engine, person_id: int) -> str:
    """A person's full name as the register holds it ("" for nobody)."""
    with reading(engine) as session:
        person = session.get(Person, person_id)
        return f"{person.given_name} {person.family_name}".strip() if person else ""


def one_named(engine: Engine, typed: str, kind: str, field: str) -> int:
    """The one person or organisation ``typed`` names ("Name", "Name #ID", a part that fits
    one); ValidationError names ``field`` when it fits none or several."""
    from coordinator.i18n import _
    from coordinator.validation import ValidationError

    typed = typed.strip()
    found = fitting(typed, names(engine, [kind])) if typed else []
    if len(found) == 1:
        return found[0].id
    if not found:
        message = (
            _("Nobody in the register is called “{name}”.")
            if kind == "person"
            else _("No organisation is called “{name}”.")
        )
        raise ValidationError({field: message.format(name=typed)})
    message = _("“{name}” fits {n} names ({names}): choose one.")
    raise ValidationError({field: message.format(name=typed, n=len(found), names=listed(found))})


def meeting_named(engine: Engine, typed: str, field: str = "meeting") -> int | None:
    """The meeting (or series) a field names: its ID, "Title #ID", or a part of its title that
    fits one; None when the field is empty. ValidationError names ``field`` otherwise."""
    from coordinator.i18n import _
    from coordinator.validation import ValidationError

    typed = typed.strip()
    if not typed:
        return None
    if typed.isdigit():
        return int(typed)
    found = fitting(typed, names(engine, ["meeting"]))
    if len(found) == 1:
        return found[0].id
    if not found:
        raise ValidationError({field: _("No meeting called “{name}”.").format(name=typed)})
    message = _("“{name}” fits {n} meetings ({names}): choose one.")
    raise ValidationError({field: message.format(name=typed, n=len(found), names=listed(found))})
