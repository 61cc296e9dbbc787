"""Finding records by a few words (the command palette, issue 18)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session, select

from coordinator.records import find_records
from storage.models import Decision, Meeting
from tests.conftest import FROZEN_NOW
from tests.hostile import HOSTILE, HOSTILE_NOW, fill_hostile


def test_words_in_any_case_and_accents_find_people_organisations_tasks(
    sample_engine: Engine,
) -> None:
    found = find_records(sample_engine, "celik", FROZEN_NOW)
    assert {f.title for f in found if f.kind == "person"} >= {"Ayşe Çelik", "Zeynep Çelik"}
    jobcenter = find_records(sample_engine, "JOBCENTER", FROZEN_NOW)
    assert [f.title for f in jobcenter if f.kind == "organisation"] == [
        "Jobcenter Arbeitplus, Integration Point"
    ]
    tasks = [f for f in jobcenter if f.kind == "task"]
    assert tasks and all("jobcenter" in f.title.casefold() for f in tasks)
    assert find_records(sample_engine, "   ", FROZEN_NOW) == []
    assert find_records(sample_engine, "celik zzzz", FROZEN_NOW) == []  # every word must match


def test_a_series_is_found_once_at_its_next_date(sample_engine: Engine) -> None:
    meetings = [
        f for f in find_records(sample_engine, "Netzwerktreffen", FROZEN_NOW) if f.kind == "meeting"
    ]
    series = [f for f in meetings if f.title == "Netzwerktreffen"]
    assert len(series) == 1
    (found,) = series
    assert found.occurrence is not None and found.occurrence > FROZEN_NOW
    assert (found.occurrence - FROZEN_NOW).days < 15  # every two weeks
    assert found.detail.endswith("18:00")  # in the meeting's zone, not UTC
    with Session(sample_engine) as session:
        master = session.get(Meeting, found.id)
        assert master is not None and master.rrule and master.series_id is None


def test_a_decision_is_found_by_words_of_its_text(sample_engine: Engine) -> None:
    with Session(sample_engine) as session:
        decision = session.exec(select(Decision)).first()
        assert decision is not None
    words = " ".join(decision.text.split()[1:3])
    found = [f for f in find_records(sample_engine, words, FROZEN_NOW) if f.kind == "decision"]
    assert decision.id in {f.id for f in found}


def test_hostile_words_are_searched_as_text(engine: Engine) -> None:
    fill_hostile(engine, HOSTILE_NOW)
    for case in (
        "[bold red]Rotkäppchen[/]",
        "100% _unterstrichen_ \\ backslash",
        "'; DROP TABLE person; --",
    ):
        assert case in HOSTILE
        found = find_records(engine, case, datetime.now(UTC))
        kinds = {f.kind for f in found}
        assert {"person", "organisation", "meeting", "task"} <= kinds, (case, kinds)
        assert all(
            case.split()[0].casefold() in f.title.casefold() for f in found if f.kind != "person"
        )
    # a LIKE wildcard is not a wildcard: "%" alone finds only what holds a "%"
    assert all(
        "%" in f.title or "%" in f.detail
        for f in find_records(engine, "%", HOSTILE_NOW)
        if f.kind != "person"
    )
