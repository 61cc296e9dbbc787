"""Recipient groups: saved filters over the register (kind, topic, phase, city, language,
membership) and people picked by hand. The members are worked out when a message is sent
(coordinator/meetings/invitations.py: ``group_members``), so a group follows the register."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from coordinator.choices import parse_choice
from coordinator.i18n import N_, _
from coordinator.languages import language_name, language_names
from coordinator.meetings.invitations import group_members
from coordinator.register.people import find_person, person_label
from coordinator.validation import Checker, ValidationError
from storage.enums import Membership, OrgKind, Phase, Topic
from storage.models import Organisation, Person, RecipientGroup, RecipientGroupMember
from storage.search import fold
from storage.uow import reading, transaction


@dataclass(frozen=True)
class GroupInput:
    """What the group form says (all text, as typed). Each filter may name several values,
    separated by commas (any of them matches); the filters together narrow the group."""

    name: str = ""
    kind: str = ""
    topic: str = ""
    phase: str = ""
    city: str = ""
    membership: str = ""
    language: str = ""
    people: str = ""  # people by name, e-mail address or "#ID", separated by commas


@dataclass(frozen=True)
class GroupRow:
    id: int
    name: str
    rules: str
    members: int


_ENUMS = {"kind": OrgKind, "topic": Topic, "phase": Phase, "membership": Membership}
_KEYS = {
    "kind": N_("kind"),
    "topic": N_("topic"),
    "phase": N_("phase"),
    "city": N_("city"),
    "membership": N_("membership"),
    "language": N_("language"),
}


def _listed(text: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


def _rules(session: Session, data: GroupInput, check: Checker) -> dict[str, list[str]]:
    rules: dict[str, list[str]] = {}
    for key, enum_cls in _ENUMS.items():
        values = []
        for typed in _listed(getattr(data, key)):
            found = parse_choice(enum_cls, typed)  # type: ignore[type-var]
            if found is None:
                check.fail(key, _("“{value}” is not one of the choices.").format(value=typed))
            elif found.value not in values:
                values.append(found.value)
        if values:
            rules[key] = values
    known = {
        fold(city): city for city in session.exec(select(Organisation.city).distinct()) if city
    }
    cities = [  # spelled as in the register ("bielefeld" finds "Bielefeld")
        known.get(fold(city), check.length("city", city, 100)) for city in _listed(data.city)
    ]
    if cities:
        rules["city"] = cities
    codes = check.languages("language", data.language)
    if codes:
        rules["language"] = codes
    return rules


def _values(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def describe_rules(rules: dict[str, object]) -> str:
    """A group's filter as a person reads it: "membership: member; city: Bielefeld"."""
    from coordinator.labels import label

    parts = []
    for key, value in sorted(rules.items()):
        enum_cls = _ENUMS.get(key)
        shown = [
            label(enum_cls(v)) if enum_cls else language_name(v) if key == "language" else v
            for v in _values(value)
        ]
        parts.append(f"{_(_KEYS.get(key, key))}: {', '.join(shown)}")
    return "; ".join(parts)


def _people(session: Session, typed: str, check: Checker) -> list[int]:
    """The people named in the form, by name, e-mail address or "#ID" (people.find_person);
    every name that finds nobody or several people is reported, not just the first."""
    found: list[int] = []
    problems: list[str] = []
    for item in _listed(typed):
        alone = Checker()
        pid = find_person(session, item, alone, "people")
        if pid is None:
            problems += alone.errors.values()
        elif pid not in found:
            found.append(pid)
    if problems:
        check.fail("people", " ".join(problems))
    return found


def _save(session: Session, group: RecipientGroup, data: GroupInput) -> int:
    """Check the form and write it into ``group`` (new or stored) with its people."""
    check = Checker()
    name = check.required("name", data.name, max_length=200)
    rules = _rules(session, data, check)
    picked = _people(session, data.people, check)
    if not rules and not picked and not check.errors:
        check.fail("name", _("A group needs a filter or people picked by hand."))
    others = select(RecipientGroup.id).where(func.lower(RecipientGroup.name) == name.lower())
    if group.id is not None:
        others = others.where(RecipientGroup.id != group.id)
    same_name = session.exec(others).first()
    if name and same_name is not None:
        check.fail("name", _("A group with this name exists."))
    check.check()
    group.name = name
    group.filter_json = json.dumps(rules, sort_keys=True)
    session.add(group)
    session.flush()
    stored = set(
        session.exec(
            select(RecipientGroupMember.person_id).where(RecipientGroupMember.group_id == group.id)
        ).all()
    )
    for pid in stored - set(picked):
        member = session.get(RecipientGroupMember, (group.id, pid))
        session.delete(member)
    for pid in picked:
        if pid not in stored:
            session.add(RecipientGroupMember(group_id=group.id, person_id=pid))
    return group.id or 0


def create_group(engine: Engine, data: GroupInput) -> int:
    with transaction(engine) as session:
        return _save(session, RecipientGroup(), data)


def update_group(engine: Engine, group_id: int, data: GroupInput) -> None:
    """Change a group's name, filters and people (LookupError when it is gone)."""
    with transaction(engine) as session:
        group = session.get(RecipientGroup, group_id)
        if group is None:
            raise LookupError(group_id)
        _save(session, group, data)


def group_input(engine: Engine, group_id: int) -> GroupInput:
    """A stored group as the form shows it (for editing): the filters' values, people by
    name, with "#ID" where a name is not unique."""
    with reading(engine) as session:
        group = session.get(RecipientGroup, group_id)
        if group is None:
            raise LookupError(group_id)
        rules = json.loads(group.filter_json or "{}")
        typed: dict[str, str] = {"name": group.name}
        for key in _KEYS:
            if key == "language" and key in rules:
                typed[key] = language_names(_values(rules[key]))
            elif key in rules:
                typed[key] = ", ".join(_values(rules[key]))
        members = session.exec(
            select(Person.id)
            .join(RecipientGroupMember, col(RecipientGroupMember.person_id) == Person.id)
            .where(RecipientGroupMember.group_id == group_id, col(Person.erased_at).is_(None))
            .order_by(Person.family_name, Person.given_name)
        ).all()
        typed["people"] = ", ".join(person_label(session, pid) for pid in members)
    return GroupInput(**typed)


def delete_group(engine: Engine, group_id: int) -> None:
    with transaction(engine) as session:
        group = session.get(RecipientGroup, group_id)
        if group is None:
            raise LookupError(group_id)
        session.delete(group)


def groups(engine: Engine) -> list[GroupRow]:
    with reading(engine) as session:
        found = []
        for group in session.exec(select(RecipientGroup).order_by(RecipientGroup.name)).all():
            text = describe_rules(json.loads(group.filter_json or "{}"))
            found.append(
                GroupRow(group.id or 0, group.name, text, len(group_members(session, group)))
            )
    return found


def group_id_by_name(engine: Engine, name: str) -> int:
    matches = [g.id for g in groups(engine) if fold(g.name) == fold(name.strip())]
    if len(matches) != 1:
        raise ValidationError({"group": _("No single match for “{name}”.").format(name=name)})
    return matches[0]
