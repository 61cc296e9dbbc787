"""Recipient groups: filters with several values, people picked by name, address or ID,
changing a group, and who belongs to it."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from coordinator.mail import groups
from coordinator.mail.groups import GroupInput
from coordinator.meetings.invitations import group_members
from coordinator.register import organisations, people
from coordinator.register.organisations import OrganisationInput
from coordinator.register.people import PersonInput
from coordinator.validation import ValidationError
from storage.models import RecipientGroup, RecipientGroupMember
from storage.uow import reading

TODAY = date(2026, 12, 1)


@pytest.fixture
def network(engine: Engine) -> dict[str, int]:
    """Three organisations and their people; two people share a name."""

    def organisation(name: str, kind: str, city: str, topics: str) -> int:
        return organisations.create_organisation(
            engine,
            OrganisationInput(name=name, kind=kind, city=city, topics=topics),
            today=TODAY,
        )

    school = organisation("Gesamtschule Heepen", "school", "Bielefeld", "youth_education")
    kita = organisation("Kita Sonnenblume", "kindergarten", "Gütersloh", "gender")
    mso = organisation("Kulturverein Anadolu", "mso", "Bielefeld", "culture")

    def person(given: str, family: str, email: str, org: int, languages: str = "de") -> int:
        data = PersonInput(given, family, email, languages=languages, affiliations=[(org, "")])
        return people.create_person(engine, data)

    return {
        "school": school,
        "teacher": person("Jonas", "Weber", "jonas@example.org", school, "de, tr"),
        "educator": person("Maria", "Schmidt", "maria.kita@example.org", kita, "de, ar"),
        "chair": person("Maria", "Schmidt", "maria.verein@example.org", mso, "tr"),
        "member": person("Ayşe", "Yılmaz", "ayse@example.org", mso, "tr"),
    }


def members(engine: Engine, group_id: int) -> set[int]:
    with reading(engine) as session:
        group = session.get(RecipientGroup, group_id)
        assert group is not None
        return set(group_members(session, group))


def stored_rules(engine: Engine, group_id: int) -> dict[str, list[str]]:
    with reading(engine) as session:
        group = session.get(RecipientGroup, group_id)
        assert group is not None
        return json.loads(group.filter_json)


def test_each_filter_takes_several_values(engine: Engine, network: dict[str, int]) -> None:
    n = network
    either = groups.create_group(engine, GroupInput(name="Bildung", kind="school, Kita"))
    assert stored_rules(engine, either) == {"kind": ["school", "kindergarten"]}
    assert members(engine, either) == {n["teacher"], n["educator"]}
    topics = groups.create_group(
        engine, GroupInput(name="Themen", topic="youth_education, Kultur")
    )  # any of the topics, not all of them
    assert members(engine, topics) == {n["teacher"], n["chair"], n["member"]}
    narrowed = groups.create_group(
        engine, GroupInput(name="Türkisch in Bielefeld", city="bielefeld", language="tr, ar")
    )  # the city as the register spells it; the languages narrow the organisations' people
    assert stored_rules(engine, narrowed) == {"city": ["Bielefeld"], "language": ["tr", "ar"]}
    assert members(engine, narrowed) == {n["teacher"], n["chair"], n["member"]}


def test_people_picked_by_hand_always_belong(engine: Engine, network: dict[str, int]) -> None:
    n = network
    number = groups.create_group(  # the educator speaks no Turkish: picked, she belongs
        engine,
        GroupInput(name="Schule", kind="school", language="tr", people=f"#{n['educator']}"),
    )
    assert members(engine, number) == {n["teacher"], n["educator"]}
    by_hand = groups.create_group(
        engine, GroupInput(name="Redaktion", language="ar", people=f"#{n['chair']}")
    )
    assert members(engine, by_hand) == {n["educator"], n["chair"]}


def test_people_are_named_unambiguously(engine: Engine, network: dict[str, int]) -> None:
    n = network

    def count() -> int:
        with reading(engine) as session:
            return len(session.exec(select(RecipientGroup)).all())

    for typed, message in (
        (
            "Maria Schmidt",
            f"2 people are called “Maria Schmidt”: write their ID after the name, like “Maria Schmidt #{n['educator']}”.",
        ),
        ("Max Mustermann", "No one called “Max Mustermann” in the register."),
        ("#9999", "No person with ID 9999."),
    ):
        with pytest.raises(ValidationError) as refused:
            groups.create_group(engine, GroupInput(name="Vorstände", people=typed))
        assert refused.value.errors == {"people": message}
    with pytest.raises(ValidationError) as refused:  # every name that fails, at once
        groups.create_group(
            engine, GroupInput(name="Vorstände", people="Max Mustermann, Jonas Weber, #9999")
        )
    assert refused.value.errors == {
        "people": "No one called “Max Mustermann” in the register. No person with ID 9999."
    }
    with pytest.raises(ValidationError) as refused:
        groups.create_group(engine, GroupInput(name="Vorstände", kind="Rakete"))
    assert refused.value.errors == {"kind": "“Rakete” is not one of the choices."}
    assert count() == 0
    number = groups.create_group(
        engine,
        GroupInput(
            name="Vorstände",
            people=f"maria schmidt #{n['chair']}, MARIA.KITA@example.org, Jonas Weber",
        ),
    )
    assert members(engine, number) == {n["chair"], n["educator"], n["teacher"]}
    shown = groups.group_input(engine, number)
    assert shown.people == (
        f"Maria Schmidt #{n['educator']}, Maria Schmidt #{n['chair']}, Jonas Weber"
    )


def test_a_group_is_changed_as_the_form_shows_it(engine: Engine, network: dict[str, int]) -> None:
    n = network
    other = groups.create_group(engine, GroupInput(name="Kitas", kind="kindergarten"))
    number = groups.create_group(
        engine, GroupInput(name="Schulen", kind="school", people="Ayşe Yılmaz, Jonas Weber")
    )
    shown = groups.group_input(engine, number)
    assert shown == GroupInput(name="Schulen", kind="school", people="Jonas Weber, Ayşe Yılmaz")
    groups.update_group(engine, number, shown)  # saved unchanged: nothing changes
    assert members(engine, number) == {n["teacher"], n["member"]}

    changed = GroupInput(name="Schulen und Kitas", kind="school, kindergarten", people="")
    groups.update_group(engine, number, changed)
    assert stored_rules(engine, number) == {"kind": ["school", "kindergarten"]}
    assert members(engine, number) == {n["teacher"], n["educator"]}
    with reading(engine) as session:
        picked = session.exec(
            select(RecipientGroupMember).where(RecipientGroupMember.group_id == number)
        ).all()
    assert picked == []  # the people no longer listed are no longer picked

    with pytest.raises(ValidationError) as refused:
        groups.update_group(engine, number, GroupInput(name="KITAS", kind="school"))
    assert refused.value.errors == {"name": "A group with this name exists."}
    with pytest.raises(ValidationError):
        groups.update_group(engine, number, GroupInput(name="Leer"))  # no filter, no people
    assert groups.group_input(engine, number) == GroupInput(
        name="Schulen und Kitas", kind="school, kindergarten"
    )
    groups.delete_group(engine, other)
    with pytest.raises(LookupError):
        groups.update_group(engine, other, GroupInput(name="Kitas", kind="kindergarten"))
    with pytest.raises(LookupError):
        groups.group_input(engine, other)
