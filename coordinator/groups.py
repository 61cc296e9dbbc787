"""Recipient groups: saved filters over the register (kind, topic, phase, city, language,
membership) and people picked by hand. The members are worked out when a message is sent
(coordinator/invitations.py: ``group_members``), so a group follows the register."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import col, select

from coordinator.choices import parse_choice
from coordinator.i18n import N_, _
from coordinator.invitations import group_members
from coordinator.validation import Checker, ValidationError
from storage.enums import Membership, OrgKind, Phase, Topic
from storage.models import Person, RecipientGroup, RecipientGroupMember
from storage.search import fold
from storage.uow import reading, transaction


@dataclass(frozen=True)
class GroupInput:
    """What the group form says (all text, as typed)."""

    name: str = ""
    kind: str = ""
    topic: str = ""
    phase: str = ""
    city: str = ""
    membership: str = ""
    language: str = ""
    people: str = ""  # names of people, separated by commas


@dataclass(frozen=True)
class GroupRow:
    id: int
    name: str
    rules: str
    members: int


def _rules(data: GroupInput, check: Checker) -> dict[str, str]:
    rules: dict[str, str] = {}
    for key, enum_cls in (
        ("kind", OrgKind),
        ("topic", Topic),
        ("phase", Phase),
        ("membership", Membership),
    ):
        typed = getattr(data, key).strip()
        if typed:
            found = parse_choice(enum_cls, typed)  # type: ignore[type-var]
            if found is None:
                check.fail(key, _("Not one of the choices."))
            else:
                rules[key] = found.value
    if data.city.strip():
        rules["city"] = data.city.strip()
    if data.language.strip():
        codes = check.languages("language", data.language)
        if codes:
            rules["language"] = codes[0]
    return rules


_ENUMS = {"kind": OrgKind, "topic": Topic, "phase": Phase, "membership": Membership}
_KEYS = {
    "kind": N_("kind"),
    "topic": N_("topic"),
    "phase": N_("phase"),
    "city": N_("city"),
    "membership": N_("membership"),
    "language": N_("language"),
}


def describe_rules(rules: dict[str, object]) -> str:
    """A group's filter as a person reads it: "membership: member; city: Bielefeld"."""
    from coordinator.labels import label

    parts = []
    for key, value in sorted(rules.items()):
        values = value if isinstance(value, list) else [value]
        enum_cls = _ENUMS.get(key)
        shown = [label(enum_cls(v)) if enum_cls else str(v) for v in values]
        parts.append(f"{_(_KEYS.get(key, key))}: {', '.join(shown)}")
    return "; ".join(parts)


def create_group(engine: Engine, data: GroupInput) -> int:
    check = Checker()
    name = check.required("name", data.name, max_length=200)
    rules = _rules(data, check)
    with transaction(engine) as session:
        picked: list[int] = []
        if data.people.strip():
            everyone = {
                fold(f"{g} {f}".strip()): pid
                for pid, g, f in session.exec(
                    select(Person.id, Person.given_name, Person.family_name).where(
                        col(Person.erased_at).is_(None)
                    )
                )
            }
            for typed in (part.strip() for part in data.people.split(",")):
                if typed and fold(typed) not in everyone:
                    check.fail("people", _("No single match for “{name}”.").format(name=typed))
                elif typed:
                    picked.append(everyone[fold(typed)])
        if not rules and not picked and "people" not in check.errors:
            check.fail("name", _("A group needs a filter or people picked by hand."))
        if session.exec(select(RecipientGroup.id).where(RecipientGroup.name == name)).first():
            check.fail("name", _("A group with this name exists."))
        check.check()
        group = RecipientGroup(name=name, filter_json=json.dumps(rules, sort_keys=True))
        session.add(group)
        session.flush()
        for pid in dict.fromkeys(picked):
            session.add(RecipientGroupMember(group_id=group.id, person_id=pid))
        return group.id or 0


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
