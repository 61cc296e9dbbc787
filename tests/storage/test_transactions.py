"""Every write is one transaction: a failure in the middle leaves nothing half-written."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from storage.models import Affiliation, Organisation, Person
from storage.uow import transaction


def counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return (
            session.exec(select(func.count()).select_from(Organisation)).one(),
            session.exec(select(func.count()).select_from(Person)).one(),
            session.exec(select(func.count()).select_from(Affiliation)).one(),
        )


def test_failure_in_the_middle_leaves_the_database_unchanged(engine: Engine) -> None:
    with transaction(engine) as session:
        session.add(Organisation(name="Bestand"))
    before = counts(engine)

    with pytest.raises(RuntimeError), transaction(engine) as session:
        org = Organisation(name="Neu")
        person = Person(given_name="Ada", family_name="Neu")
        session.add_all([org, person])
        session.flush()  # rows are written inside the transaction ...
        session.add(Affiliation(person_id=person.id, organisation_id=org.id))
        session.flush()
        raise RuntimeError("power cut")  # ... and then something goes wrong

    assert counts(engine) == before


def test_database_error_in_the_middle_rolls_back_earlier_statements(engine: Engine) -> None:
    before = counts(engine)
    with pytest.raises(Exception, match=r"(?i)foreign key"), transaction(engine) as session:
        session.add(Organisation(name="Erst"))
        session.flush()
        session.add(Affiliation(person_id=12345, organisation_id=12345))
    assert counts(engine) == before


def test_successful_transaction_commits_everything(engine: Engine) -> None:
    with transaction(engine) as session:
        org = Organisation(name="Verein")
        person = Person(given_name="Ada", family_name="Lovelace")
        session.add_all([org, person])
        session.flush()
        session.add(Affiliation(person_id=person.id, organisation_id=org.id, role="Vorstand"))
    assert counts(engine) == (1, 1, 1)
