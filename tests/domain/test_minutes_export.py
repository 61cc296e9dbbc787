"""Golden files: minutes and to-do lists in German and English; the decision register."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from coordinator.meetings import agenda, invitations, meetings
from coordinator.meetings.meetings import MeetingInput
from coordinator.minutes import minutes, minutes_files
from coordinator.minutes.tasks import TaskFilter
from coordinator.register import organisations, people
from coordinator.register.organisations import OrganisationInput
from coordinator.register.people import PersonInput
from storage.enums import AttendanceStatus, DecisionKind, DecisionStatus

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_bytes(text.encode("utf-8"))
    assert text == path.read_bytes().decode("utf-8")  # bytes: CSV keeps its CRLF


def held_meeting(engine: Engine, language: str) -> tuple[int, int]:
    org = organisations.create_organisation(
        engine, OrganisationInput(name="Verein Brücke | Köprü"), today=date(2026, 11, 1)
    )
    ada = people.create_person(engine, PersonInput(given_name="Ada", family_name="Arslan"))
    ben = people.create_person(engine, PersonInput(given_name="Ben", family_name="Bauer"))
    meeting_id = meetings.create_meeting(
        engine,
        MeetingInput(
            title="Netzwerktreffen",
            day="2026-11-17",
            start="18:00",
            end="20:00",
            location="Saal 2",
            language=language,
        ),
    )
    invitations.invite_people(engine, meeting_id, [ada, ben])
    item = agenda.add_item(engine, meeting_id, "Sommerfest", minutes=30)
    agenda.add_item(engine, meeting_id, "Verschiedenes", minutes=10)
    minutes.start_minutes(engine, meeting_id, minute_taker_id=ada)
    minutes.set_attendance(engine, meeting_id, ada, AttendanceStatus.PRESENT)
    minutes.set_attendance(engine, meeting_id, ben, AttendanceStatus.EXCUSED)
    minutes.add_guest(engine, meeting_id, "Frau Gast")
    minutes.set_item_notes(engine, meeting_id, item, "Termin: 12. Juni; Orga-Team gebildet.")
    minutes.add_decision(
        engine,
        meeting_id,
        "Das Sommerfest findet am 12. Juni statt.",
        kind=DecisionKind.MEASURE,
        agenda_item_id=item,
    )
    minutes.add_action_item(
        engine,
        meeting_id,
        "Bühne anfragen",
        owner_person_id=ben,
        due_on=date(2026, 12, 1),
        agenda_item_id=item,
    )
    minutes.add_action_item(
        engine,
        meeting_id,
        "Flyer | Plakate drucken",
        owner_organisation_id=org,
        due_on=date(2026, 12, 8),
    )
    return meeting_id, org


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("fmt", ["md", "txt", "html"])
def test_minutes_exports_match_golden_files(engine: Engine, language: str, fmt: str) -> None:
    meeting_id, _org = held_meeting(engine, language)
    check_golden(f"minutes.{language}.{fmt}", minutes_files.render_minutes(engine, meeting_id, fmt))


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("fmt", ["md", "csv"])
def test_todo_list_per_organisation_matches_golden_files(
    engine: Engine, language: str, fmt: str
) -> None:
    _meeting, org = held_meeting(engine, language)
    text = minutes_files.render_todo(
        engine,
        TaskFilter(owner_organisation_id=org),
        fmt,
        title="To-do: Verein Brücke",
        language=language,
        today=date(2026, 11, 22),
    )
    check_golden(f"todo.{language}.{fmt}", text)


def test_decision_register_searches_and_shows_status(engine: Engine) -> None:
    meeting_id, _org = held_meeting(engine, "de")
    other = minutes.add_decision(
        engine, meeting_id, "Einladungen gehen zehn Tage vorher raus.", kind=DecisionKind.RULE
    )
    minutes.set_decision_status(engine, other, DecisionStatus.REVOKED)
    doc = minutes_files.decision_register(engine, language="en", text="sommerfest")
    rows = doc.sections[0].rows
    assert [r[2] for r in rows] == ["Das Sommerfest findet am 12. Juni statt."]
    all_rows = minutes_files.decision_register(engine, language="en").sections[0].rows
    assert {r[4] for r in all_rows} == {"valid", "revoked"}


def test_a_to_do_list_names_an_erased_owner_in_its_own_language(engine: Engine) -> None:
    """Ben was erased from an English screen; the German to-do list calls him "Gelöschte
    Person N", the English one "Erased person N" (it showed the name stored at erasure)."""
    from coordinator.i18n import set_language
    from coordinator.register import gdpr
    from coordinator.register.people import find_person
    from storage.uow import reading

    held_meeting(engine, "de")
    with reading(engine) as session:
        from coordinator.validation import Checker

        ben = find_person(session, "Ben Bauer", Checker(), "owner")
    assert ben is not None
    set_language("en")
    gdpr.erase_person(engine, ben)
    german = minutes_files.render_todo(
        engine, TaskFilter(), "md", title="To-do", language="de", today=date(2026, 11, 22)
    )
    english = minutes_files.render_todo(
        engine, TaskFilter(), "md", title="To-do", language="en", today=date(2026, 11, 22)
    )
    assert f"Gelöschte Person {ben}" in german and "Erased person" not in german
    assert f"Erased person {ben}" in english


def test_a_to_do_list_speaks_its_meetings_then_its_owners_language(engine: Engine) -> None:
    from coordinator.register.people import find_person
    from coordinator.validation import Checker
    from storage.uow import reading

    meeting_id, org = held_meeting(engine, "en")
    with reading(engine) as session:
        ben = find_person(session, "Ben Bauer", Checker(), "owner")
    people.update_person(engine, ben or 0, PersonInput("Ben", "Bauer", preferred_language="tr"))
    assert minutes_files.todo_language(engine, TaskFilter(meeting_id=meeting_id), "de") == "en"
    assert minutes_files.todo_language(engine, TaskFilter(owner_person_id=ben), "en") == "en"
    people.update_person(engine, ben or 0, PersonInput("Ben", "Bauer", preferred_language="de"))
    assert minutes_files.todo_language(engine, TaskFilter(owner_person_id=ben), "en") == "de"
    assert minutes_files.todo_language(engine, TaskFilter(owner_organisation_id=org), "en") == "en"
