"""Issue 20, "PDF documents": agenda, minutes, to-do list and decision register as PDF in the
meeting's (or the screen's) language, made from the printable HTML with WeasyPrint; pdftotext
(poppler-utils) finds the title, the items and a name in each script a German network meets:
Turkish, Arabic, Cyrillic, Greek, Vietnamese."""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import Engine

from coordinator.documents import html_to_pdf
from coordinator.meetings import agenda, agenda_files, invitations, meetings
from coordinator.meetings.meetings import MeetingInput
from coordinator.minutes import minutes, minutes_files, tasks
from coordinator.register import people
from coordinator.register.people import PersonInput
from storage.enums import AttendanceStatus

NAMES = {  # a name in each script (given, family)
    "Turkish": ("Ayşe", "Yılmaz"),
    "Arabic": ("ليلى", "ناصر"),
    "Cyrillic": ("Олена", "Бондаренко"),
    "Greek": ("Ελένη", "Κωνσταντίνου"),
    "Vietnamese": ("Nguyễn Thị", "Minh"),
}


def _text(pdf: bytes, tmp_path: Path) -> str:
    if not shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("CI needs pdftotext (poppler-utils)")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8")
    # (pdftotext marks right-to-left runs with embedding controls; the letters are as written)
    return "".join(
        ch for ch in unicodedata.normalize("NFC", out) if unicodedata.category(ch) != "Cf"
    )


@pytest.fixture
def meeting(engine: Engine) -> int:
    ids = [
        people.create_person(engine, PersonInput(given_name=g, family_name=f))
        for g, f in NAMES.values()
    ]
    meeting_id = meetings.create_meeting(
        engine, MeetingInput(title="Netzwerktreffen Ost", day="2026-12-10", start="18:00",
                             end="20:00", language="de"),
    )  # fmt: skip
    invitations.invite_people(engine, meeting_id, ids)
    for script, (given, family) in NAMES.items():
        agenda.add_item(engine, meeting_id, f"Bericht {script}: {given} {family}", minutes=10)
    minutes.start_minutes(engine, meeting_id)
    for pid in ids:
        minutes.set_attendance(engine, meeting_id, pid, AttendanceStatus.PRESENT)
    minutes.add_decision(engine, meeting_id, "Sommerfest am 4. Juli")
    minutes.add_action_item(engine, meeting_id, "Saal reservieren", owner_person_id=ids[1])
    return meeting_id


def _has_everyone(text: str) -> None:
    for given, family in NAMES.values():
        assert given in text and family in text, (given, family, text)


@pytest.mark.parametrize(("language", "title"), [("de", "Tagesordnung"), ("en", "Agenda")])
def test_the_agenda_as_pdf(engine: Engine, meeting: int, tmp_path: Path, language: str,
                           title: str) -> None:  # fmt: skip
    text = _text(agenda_files.render(engine, meeting, "pdf", language), tmp_path)  # type: ignore[arg-type]
    assert f"{title}: Netzwerktreffen Ost" in text
    assert "Bericht Greek" in text
    _has_everyone(text)


@pytest.mark.parametrize(("language", "title"), [("de", "Protokoll"), ("en", "Minutes")])
def test_the_minutes_as_pdf(engine: Engine, meeting: int, tmp_path: Path, language: str,
                            title: str) -> None:  # fmt: skip
    text = _text(minutes_files.render_minutes(engine, meeting, "pdf", language), tmp_path)  # type: ignore[arg-type]
    assert title in text and "Netzwerktreffen Ost" in text
    assert "Sommerfest am 4. Juli" in text and "Saal reservieren" in text
    _has_everyone(text)


@pytest.mark.parametrize(("language", "heading"), [("de", "To-do-Liste"), ("en", "To-do list")])
def test_the_todo_list_and_the_decision_register_as_pdf(
    engine: Engine, meeting: int, tmp_path: Path, language: str, heading: str
) -> None:
    from datetime import date

    from coordinator.i18n import translator

    title = translator(language).gettext("To-do list")
    todo = minutes_files.render_todo(
        engine, tasks.TaskFilter(meeting_id=meeting), "pdf", title=title, language=language,
        today=date(2026, 12, 4),
    )  # fmt: skip
    text = _text(todo, tmp_path)  # type: ignore[arg-type]
    assert title in text and "Saal reservieren" in text and NAMES["Arabic"][0] in text
    register = minutes_files.decision_register(engine, language=language)
    from coordinator.documents import render

    text = _text(render(register, "pdf"), tmp_path)  # type: ignore[arg-type]
    assert "Sommerfest am 4. Juli" in text and "Netzwerktreffen Ost" in text


def test_hostile_text_is_printed_as_text(tmp_path: Path) -> None:
    from coordinator.documents import Document, Section, to_html
    from tests.hostile import HOSTILE

    doc = Document("Hostile", "de", [("When", "heute")],
                   [Section("Items", [h[:200] for h in HOSTILE])])  # fmt: skip
    text = _text(html_to_pdf(to_html(doc)), tmp_path)
    assert "<script>" in text or "script" in text  # markup shown, not run
