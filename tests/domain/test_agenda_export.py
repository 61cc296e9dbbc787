"""Golden files: the agenda exports in German and English (Markdown, text, HTML), and the
invitation text in the invitee's language."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from coordinator.meetings import agenda, agenda_files, meetings
from coordinator.meetings.meetings import MeetingInput
from coordinator.register import gdpr, people
from coordinator.register.people import PersonInput
from storage.models import Person

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"  # UPDATE_GOLDEN=1 pytest ... rewrites them


def meeting_with_agenda(engine: Engine, language: str) -> tuple[int, int]:
    presenter = people.create_person(
        engine, PersonInput(given_name="Aminata", family_name="Diallo", preferred_language="fr")
    )
    reader = people.create_person(
        engine, PersonInput(given_name="Jonas", family_name="Weber", preferred_language="de")
    )
    meeting_id = meetings.create_meeting(
        engine,
        MeetingInput(
            title="Netzwerktreffen <März>", day="2027-03-30", start="18:00", end="20:00",
            location="Stadtteilzentrum Mitte, Saal 2", online_url="https://meet.example.org/netzwerk",
            language=language,
        ),
    )  # fmt: skip
    agenda.add_item(engine, meeting_id, "Begrüßung und Protokoll", minutes=10)
    agenda.add_item(
        engine,
        meeting_id,
        "Sommerfest & Ramadan-Kalender",
        minutes=40,
        presenter_id=presenter,
        note="Bitte Ideen mitbringen:\r\n- Stände\n- Musik <laut>",
    )
    agenda.add_item(engine, meeting_id, "Verschiedenes", minutes=10)
    return meeting_id, reader


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("fmt", ["md", "txt", "html"])
def test_agenda_exports_match_golden_files(engine: Engine, language: str, fmt: str) -> None:
    meeting_id, _reader = meeting_with_agenda(engine, language)
    text = agenda_files.render(engine, meeting_id, fmt)
    golden = GOLDEN / f"agenda.{language}.{fmt}"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("preferred", "greeting"), [("de", "Liebe/r Jonas Weber,"), ("fr", "Dear Aminata Diallo,")]
)
def test_invitation_in_the_invitees_language(engine: Engine, preferred: str, greeting: str) -> None:
    meeting_id, reader = meeting_with_agenda(engine, "de")
    person = reader if preferred == "de" else reader - 1
    text = agenda_files.invitation_text(engine, meeting_id, person)
    assert text.startswith(greeting)
    assert "18:00" in text and "Stadtteilzentrum Mitte" in text and "Sommerfest" in text


def test_an_erased_presenter_is_named_in_the_agendas_language(engine: Engine) -> None:
    """Erased from an English screen, the presenter reads "Gelöschte Person N" in a German
    agenda and "Erased person N" in an English one (the stored name is not the document's)."""
    meeting_id, _reader = meeting_with_agenda(engine, "de")
    presenter = next(line for line in agenda.agenda(engine, meeting_id) if line.presenter)
    with Session(engine) as session:
        pid = session.exec(select(Person.id).where(Person.family_name == "Diallo")).one()
    gdpr.erase_person(engine, pid)
    german = agenda_files.render(engine, meeting_id, "txt")
    english = agenda_files.render(engine, meeting_id, "txt", language="en")
    assert presenter.presenter == "Aminata Diallo"
    assert f"vorgestellt von {gdpr.anonymised_name(pid, 'de')}" in german
    assert "Erased person" not in german and "Diallo" not in german
    assert f"presented by Erased person {pid}," in english
