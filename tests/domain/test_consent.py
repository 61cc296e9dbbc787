"""Consent in bulk (issue 18): the people a list shows who have none get one date and
purpose; earlier consents stay; a bad date or a missing purpose changes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from coordinator.register import consent, people
from coordinator.register.listing import PersonFilter
from coordinator.register.people import PersonInput
from coordinator.validation import ValidationError
from storage.models import Person
from tests.hostile import hostile_strings

TODAY = date(2026, 12, 3)


def _consents(engine: Engine) -> dict[str, tuple[date | None, str]]:
    with Session(engine) as session:
        return {
            p.family_name: (p.consent_on, p.consent_purpose) for p in session.exec(select(Person))
        }


@pytest.fixture
def listed(engine: Engine) -> Engine:
    people.create_person(engine, PersonInput("Ada", "Brückner"))
    people.create_person(engine, PersonInput("Ben", "Brückmann"))
    people.create_person(
        engine,
        PersonInput("Cem", "Brückenbauer", consent_on="01.02.2025", consent_purpose="Newsletter"),
    )
    people.create_person(engine, PersonInput("Dora", "Anders"))
    return engine


def test_the_listed_people_without_consent_get_it_and_earlier_ones_stay(listed: Engine) -> None:
    flt = PersonFilter(text="bruck")
    assert consent.consent_plan(listed, flt) == consent.ConsentPlan(listed=3, without=2)
    given = consent.give_consent(listed, flt, "03.12.2026", "Einladungen zu Treffen", today=TODAY)
    assert given == 2
    found = _consents(listed)
    assert found["Brückner"] == found["Brückmann"] == (date(2026, 12, 3), "Einladungen zu Treffen")
    assert found["Brückenbauer"] == (date(2025, 2, 1), "Newsletter")  # kept
    assert found["Anders"] == (None, "")  # not listed
    assert consent.consent_plan(listed, flt).without == 0


@pytest.mark.parametrize(
    ("typed_on", "purpose", "field"),
    [
        ("31.02.2026", "Einladungen", "consent_on"),
        ("", "Einladungen", "consent_on"),
        ("04.12.2026", "Einladungen", "consent_on"),  # tomorrow
        ("03.12.2026", "   ", "consent_purpose"),
        ("03.12.2026", "x" * 301, "consent_purpose"),
    ],
)
def test_a_bad_date_or_purpose_is_named_and_changes_nothing(
    listed: Engine, typed_on: str, purpose: str, field: str
) -> None:
    before = _consents(listed)
    with pytest.raises(ValidationError) as refused:
        consent.give_consent(listed, PersonFilter(), typed_on, purpose, today=TODAY)
    assert set(refused.value.errors) == {field}
    assert _consents(listed) == before


def test_hostile_purposes_are_stored_as_typed(listed: Engine) -> None:
    for text in hostile_strings():
        if not text.strip() or len(text.strip()) > 300:
            continue
        with Session(listed) as session:  # everyone without consent again
            for person in session.exec(select(Person)):
                if person.family_name != "Brückenbauer":
                    person.consent_on, person.consent_purpose = None, ""
            session.commit()
        consent.give_consent(listed, PersonFilter(), "01.12.2026", text, today=TODAY)
        assert _consents(listed)["Anders"] == (date(2026, 12, 1), text.strip())
