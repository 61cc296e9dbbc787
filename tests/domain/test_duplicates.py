"""Issue 19, "Duplicates": every row of a list is matched against the register and against
the rows above it; the coordinator chooses per row or for all; two people or two
organisations are merged with nothing left behind and the audit trail told."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import Engine, func, text
from sqlmodel import Session, SQLModel, select

from coordinator.register import exchange, merging, organisations, people
from coordinator.register.matching import Choice, Match
from coordinator.validation import ValidationError
from storage.models import (
    Affiliation,
    AuditEntry,
    Invitation,
    Organisation,
    Person,
    PersonLanguage,
    Task,
)

TODAY = date(2026, 12, 4)
HEADER = "Vorname;Nachname;E-Mail;Telefon;Organisation;Sprachen;Notizen\r\n"


def _org(engine: Engine, name: str) -> int:
    return organisations.create_organisation(
        engine, organisations.OrganisationInput(name=name), today=TODAY
    )


def _register(engine: Engine) -> dict[str, int]:
    kv = _org(engine, "Kulturverein Brücke e.V.")
    return {
        "ayse": people.create_person(
            engine,
            people.PersonInput(
                "Ayşe", "Yılmaz", "ayse@example.org", "0521 123456", affiliations=[(kv, "")]
            ),
        ),
        "jonas": people.create_person(
            engine, people.PersonInput("Jonas", "Brandt", "", "", notes="kennt alle")
        ),
        "minh": people.create_person(
            engine, people.PersonInput("Minh", "Nguyen", "minh@example.org", "")
        ),
        "kv": kv,
    }


def _plan(engine: Engine, *rows: str) -> exchange.ImportPlan:
    return exchange.plan_people_import(engine, (HEADER + "".join(rows)).encode())


def test_each_row_is_new_same_probably_the_same_or_conflicting(engine: Engine) -> None:
    ids = _register(engine)
    plan = _plan(
        engine,
        "Lea;Neumann;lea@example.org;;;de;\r\n",  # 2 new
        "Ayşe;Yılmaz;AYSE@example.org;;Kulturverein Brücke e.V.;tr;\r\n",  # 3 same e-mail
        "Ayse;Yılmas;;;Kulturverein Brücke e.V.;;\r\n",  # 4 a similar name, same organisation
        "Jonas;Brandt;;;;;\r\n",  # 5 same name, nothing to tell apart
        "Minh;Nguyễn-Tran;minh@example.org;;;;\r\n",  # 6 same e-mail, another family name
        "Ayse;Yilmaz;;+49 521 123456;;;\r\n",  # 7 same phone (written otherwise), fitting name
        "Lea;Neumann;lea@example.org;;;;\r\n",  # 8 like row 2 of this very list
    )
    found = {line: row.found for line, row in plan.rows}
    assert found[2].match is Match.NEW
    assert (found[3].match, found[3].candidate.person_id) == (Match.SAME, ids["ayse"])
    assert found[3].fills == ("languages",)  # "tr" is what the register lacks
    assert (found[4].match, found[4].candidate.person_id) == (Match.PROBABLY, ids["ayse"])
    assert (found[5].match, found[5].candidate.person_id) == (Match.SAME, ids["jonas"])
    assert (found[6].match, found[6].differs) == (Match.CONFLICTING, ("family_name",))
    assert (found[7].match, found[7].candidate.person_id) == (Match.SAME, ids["ayse"])
    assert (found[8].match, found[8].candidate.line) == (Match.SAME, 2)
    assert plan.counts() == {Match.NEW: 1, Match.SAME: 4, Match.PROBABLY: 1, Match.CONFLICTING: 1}
    # By default: new added, same filled (row 3 adds Turkish), the rest left alone.
    assert plan.valid == 2
    assert exchange.apply_import(engine, plan, today=TODAY) == 2
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Person)).one() == 4
        langs = session.exec(
            select(PersonLanguage.language).where(PersonLanguage.person_id == ids["ayse"])
        ).all()
        assert langs == ["tr"]
        minh = session.get(Person, ids["minh"])
        assert minh is not None and minh.family_name == "Nguyen"


def test_an_office_number_shared_by_two_people_does_not_make_them_one(engine: Engine) -> None:
    _register(engine)
    plan = _plan(engine, "Emre;Demir;;0521 123456;;;\r\n")
    assert plan.rows[0][1].found.match is Match.NEW


@pytest.mark.parametrize(
    ("choice", "family", "phone", "notes", "people_after"),
    [
        (Choice.SKIP, "Nguyen", "", "", 3),
        (Choice.FILL, "Nguyen", "+4930123456", "neu", 3),
        (Choice.OVERWRITE, "Nguyễn-Tran", "+4930123456", "neu", 3),
        (Choice.ADD, "Nguyen", "", "", 4),
    ],
)
def test_the_choice_for_all_rows_is_what_happens(
    engine: Engine, choice: Choice, family: str, phone: str, notes: str, people_after: int
) -> None:
    ids = _register(engine)
    plan = _plan(engine, "Minh;Nguyễn-Tran;minh@example.org;030 123456;;;neu\r\n")
    plan.choose_all(choice)
    exchange.apply_import(engine, plan, today=TODAY)
    with Session(engine) as session:
        minh = session.get(Person, ids["minh"])
        assert minh is not None
        assert (minh.family_name, minh.phone, minh.notes) == (family, phone, notes)
        assert session.exec(select(func.count()).select_from(Person)).one() == people_after
        assert minh.search_text == people.person_search_key(session, minh)


def test_a_choice_per_row_and_the_same_file_twice_adds_nothing(engine: Engine) -> None:
    ids = _register(engine)
    rows = ("Ayse;Yılmas;;;Kulturverein Brücke e.V.;;\r\n", "Neu;Person;neu@example.org;;;;\r\n")
    plan = _plan(engine, *rows)
    plan.choices[2] = Choice.ADD  # "probably the same" is somebody else: added
    assert exchange.apply_import(engine, plan, today=TODAY) == 2
    again = _plan(engine, *rows)
    assert again.valid == 0
    assert exchange.apply_import(engine, again, today=TODAY) == 0
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Person)).one() == 5
    assert ids  # (the register's three and the two added)


def test_an_unreadable_phone_is_kept_as_written_with_a_warning(engine: Engine) -> None:
    plan = _plan(engine, "Lea;Neumann;;App. 12;;;\r\n", "Minh;Nguyen;;0521 / 12 34 56;;;\r\n")
    assert plan.problems == []
    assert [(line, text) for line, _row, text in plan.warnings] == [
        (2, "phone number kept as written: it cannot be read as one")
    ]
    exchange.apply_import(engine, plan, today=TODAY)
    with Session(engine) as session:
        phones = dict(session.exec(select(Person.given_name, Person.phone)).all())
    assert phones == {"Lea": "App. 12", "Minh": "+49521123456"}


def test_the_form_refuses_what_is_no_phone_number_and_stores_e164(engine: Engine) -> None:
    with pytest.raises(ValidationError) as refused:
        people.create_person(engine, people.PersonInput("Lea", "Neumann", phone="App. 12"))
    assert set(refused.value.errors) == {"phone"}
    pid = people.create_person(engine, people.PersonInput("Lea", "Neumann", phone="0231 25114"))
    with Session(engine) as session:
        assert session.get(Person, pid).phone == "+4923125114"  # type: ignore[union-attr]
    assert people.input_of(engine, pid).phone == "0231 25114"  # the form shows it nationally


def _pointing_at(engine: Engine, table: str, record_id: int) -> list[str]:
    """Every column of the schema that still points at ``table``'s row ``record_id``."""
    left = []
    with engine.connect() as connection:
        for model_table in SQLModel.metadata.sorted_tables:
            for column in model_table.columns:
                for key in column.foreign_keys:
                    if key.column.table.name == table:
                        found = connection.execute(
                            text(
                                f"SELECT COUNT(*) FROM {model_table.name} WHERE {column.name} = :id"
                            ),
                            {"id": record_id},
                        ).scalar()
                        if found:
                            left.append(f"{model_table.name}.{column.name}")
    return left


def _busiest_people(session: Session) -> tuple[int, int]:
    counts = session.exec(
        select(Invitation.person_id, func.count())
        .group_by(Invitation.person_id)
        .order_by(func.count().desc(), Invitation.person_id)
    ).all()
    return counts[0][0], counts[1][0]


def test_merging_two_people_moves_everything_and_leaves_nothing_behind(
    sample_engine: Engine,
) -> None:
    with Session(sample_engine) as session:
        survivor_id, other_id = _busiest_people(session)
        invited = set(
            session.exec(
                select(Invitation.meeting_id).where(
                    Invitation.person_id.in_([survivor_id, other_id])  # type: ignore[union-attr]
                )
            )
        )
        tasks = session.exec(
            select(func.count()).select_from(Task).where(Task.owner_person_id == other_id)
        ).one()
        tasks_before = session.exec(
            select(func.count()).select_from(Task).where(Task.owner_person_id == survivor_id)
        ).one()
        other_history = session.exec(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.subject == f"person:{other_id}")
        ).one()
        other = session.get(Person, other_id)
        assert other is not None
        other_name = other.full_name
    merging.merge_people(sample_engine, survivor_id, other_id)
    assert _pointing_at(sample_engine, "person", other_id) == []
    with Session(sample_engine) as session:
        assert session.get(Person, other_id) is None
        assert (
            set(
                session.exec(
                    select(Invitation.meeting_id).where(Invitation.person_id == survivor_id)
                )
            )
            == invited
        )
        assert (
            session.exec(
                select(func.count()).select_from(Task).where(Task.owner_person_id == survivor_id)
            ).one()
            == tasks + tasks_before
        )
        entries = session.exec(
            select(AuditEntry).where(AuditEntry.subject == f"person:{survivor_id}")
        ).all()
        merge = [e for e in entries if e.action == "merge"]
        assert len(merge) == 1 and other_name in json.loads(merge[0].changes)["merged"][0]
        assert (
            session.exec(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.subject == f"person:{other_id}", AuditEntry.action != "delete")
            ).one()
            == 0
        )
        assert len(entries) >= other_history + 1  # the other's history is the survivor's now


def test_merging_two_organisations_moves_people_topics_and_groups(
    sample_engine: Engine,
) -> None:
    with Session(sample_engine) as session:
        ids = session.exec(select(Organisation.id).order_by(Organisation.id)).all()
        survivor_id, other_id = ids[0], ids[1]
        members = set(
            session.exec(
                select(Affiliation.person_id).where(
                    Affiliation.organisation_id.in_([survivor_id, other_id])  # type: ignore[attr-defined]
                )
            )
        )
    merging.merge_organisations(sample_engine, survivor_id, other_id)
    assert _pointing_at(sample_engine, "organisation", other_id) == []
    with Session(sample_engine) as session:
        assert session.get(Organisation, other_id) is None
        assert (
            set(
                session.exec(
                    select(Affiliation.person_id).where(Affiliation.organisation_id == survivor_id)
                )
            )
            == members
        )
        assert session.exec(
            select(AuditEntry).where(
                AuditEntry.subject == f"organisation:{survivor_id}", AuditEntry.action == "merge"
            )
        ).one()


def test_a_record_is_not_merged_with_itself_and_nothing_changes(sample_engine: Engine) -> None:
    with Session(sample_engine) as session:
        before = session.exec(select(func.count()).select_from(Person)).one()
        pid = session.exec(select(Person.id)).first()
    assert pid is not None
    with pytest.raises(ValidationError):
        merging.merge_people(sample_engine, pid, pid)
    with pytest.raises(LookupError):
        merging.merge_people(sample_engine, pid, 999_999)
    with Session(sample_engine) as session:
        assert session.exec(select(func.count()).select_from(Person)).one() == before


class _Stop(Exception):
    pass


def _word(n: int) -> str:
    letters = "".join("bcdfghklmnprstvz"[(n >> (4 * k)) % 16] + "aeiou"[(n >> k) % 5]
                      for k in range(4))  # fmt: skip
    return letters.capitalize()


def test_a_big_list_reports_progress_and_a_cancelled_import_leaves_nothing(
    engine: Engine,
) -> None:
    """Issue 19, "Scale": the preview and the import tell their progress; an import stopped
    half-way (the worker's callback raises) writes no person, organisation or audit entry."""
    rows = [
        f"{_word(i * 7919)};{_word(i * 104_729 + 11)};p{i}@example.org;0521 {100000 + i};"
        f"Verein {i % 7};de;\r\n"
        for i in range(12_000)
    ]  # (names unlike each other: similar names in one organisation would be matched)
    seen: list[tuple[int, int]] = []
    plan = exchange.plan_people_import(
        engine, (HEADER + "".join(rows)).encode(), progress=lambda d, t: seen.append((d, t))
    )
    assert plan.valid == 12_000 and seen[0] == (0, 12_000) and len(seen) == 12

    def stop_half_way(done: int, total: int) -> None:
        if done >= total // 2:
            raise _Stop

    with Session(engine) as session:
        audit_before = session.exec(select(func.count()).select_from(AuditEntry)).one()
    with pytest.raises(_Stop):
        exchange.apply_import(engine, plan, today=TODAY, progress=stop_half_way)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Person)).one() == 0
        assert session.exec(select(func.count()).select_from(Organisation)).one() == 0
        assert session.exec(select(func.count()).select_from(AuditEntry)).one() == audit_before
    written: list[int] = []
    assert (
        exchange.apply_import(engine, plan, today=TODAY, progress=lambda d, t: written.append(d))
        == 12_000
    )
    assert written[-1] == 12_000
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Person)).one() == 12_000
        entries = session.exec(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "insert", AuditEntry.table_name == "person")
        ).one()
        assert entries == 12_000  # each person's history starts with its import


def test_names_with_digits_match_only_when_equal(engine: Engine) -> None:
    """ "Gruppe 1" and "Gruppe 11" in one organisation are two (a similar name with other
    digits is no typo); the same name with nothing else to tell is the same."""
    _register(engine)
    plan = _plan(
        engine,
        "Team;Eins 1;t1@example.org;;Verein X;;\r\n",
        "Team;Eins 11;t11@example.org;;Verein X;;\r\n",
        "Team;Eins 1;;;Verein X;;\r\n",
    )
    found = [row.found.match for _line, row in plan.rows]
    assert found == [Match.NEW, Match.NEW, Match.SAME]  # (row 3 says nothing row 2 lacks)
