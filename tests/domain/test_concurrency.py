"""No lost updates: a save based on an old version is refused and says what changed."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import date

import pytest
from sqlalchemy import Engine

from coordinator.meetings import meetings
from coordinator.meetings.meetings import MeetingInput
from coordinator.minutes import minutes, tasks
from coordinator.network.concurrency import EditConflict, version_of
from coordinator.register import organisations, people
from coordinator.register.organisations import OrganisationInput
from coordinator.register.people import PersonInput
from storage.enums import TaskStatus
from storage.models import Meeting, Organisation, Person, Task
from storage.uow import reading
from tests.conftest import ROOT

TODAY = date(2026, 11, 22)


def notes(engine: Engine, task_id: int) -> str:
    with reading(engine) as session:
        task = session.get(Task, task_id)
        assert task is not None
        return task.notes


def test_the_second_save_is_refused_and_the_first_is_kept(engine: Engine) -> None:
    anna = engine.execution_options(coordinator_actor="Anna")
    ben = engine.execution_options(coordinator_actor="Ben")
    task = tasks.create_task(engine, "Flyer drucken")
    loaded = version_of(engine, Task, task)  # both open the notes editor
    tasks.set_notes(anna, task, "Druckerei angefragt", expected_version=loaded)
    with pytest.raises(EditConflict) as refused:
        tasks.set_notes(ben, task, "Selbst drucken", expected_version=loaded)
    assert notes(engine, task) == "Druckerei angefragt"
    conflict = refused.value
    assert conflict.actors == ["Anna"]
    assert "Anna changed this record" in conflict.message()
    assert any("notes – → Druckerei angefragt" in line for line in conflict.lines())
    # Overwriting deliberately: the current version, taken from the refusal.
    tasks.set_notes(ben, task, "Selbst drucken", expected_version=conflict.version)
    assert notes(engine, task) == "Selbst drucken"


def test_every_edited_kind_of_record_is_guarded(engine: Engine) -> None:
    org = organisations.create_organisation(engine, OrganisationInput(name="Verein A"), today=TODAY)
    person = people.create_person(engine, PersonInput("Lena", "Vogt", "lena@example.org"))
    meeting = meetings.create_meeting(
        engine, MeetingInput(title="Treffen", day="2027-02-02", start="18:00", end="20:00")
    )
    minutes.start_minutes(engine, meeting)
    stale = {
        "organisation": version_of(engine, Organisation, org),
        "person": version_of(engine, Person, person),
        "meeting": version_of(engine, Meeting, meeting),
        "minutes": minutes.minutes_version(engine, meeting),
    }
    item = meetings_item(engine, meeting)
    organisations.update_organisation(engine, org, OrganisationInput(name="Verein B"), today=TODAY)
    people.update_person(engine, person, PersonInput("Lena", "Vogt", "vogt@example.org"))
    meetings.update_meeting(
        engine,
        meeting,
        MeetingInput(title="Treffen!", day="2027-02-02", start="18:00", end="20:00"),
    )
    minutes.set_item_notes(engine, meeting, item, "Alle einverstanden.")
    with pytest.raises(EditConflict):
        organisations.update_organisation(
            engine, org, OrganisationInput(name="Verein C"), today=TODAY,
            expected_version=stale["organisation"],
        )  # fmt: skip
    with pytest.raises(EditConflict):
        people.update_person(
            engine, person, PersonInput("Lena", "Vogt", "x@example.org"),
            expected_version=stale["person"],
        )  # fmt: skip
    with pytest.raises(EditConflict):
        meetings.update_meeting(
            engine, meeting, MeetingInput(title="Anders", day="2027-02-02", start="18:00", end="20:00"),
            expected_version=stale["meeting"],
        )  # fmt: skip
    with pytest.raises(EditConflict) as refused:
        minutes.set_item_notes(
            engine, meeting, item, "Abgelehnt.", expected_version=stale["minutes"]
        )
    assert any("Alle einverstanden." in line for line in refused.value.lines())


def meetings_item(engine: Engine, meeting: int) -> int:
    from coordinator.meetings import agenda

    return agenda.add_item(engine, meeting, "Bericht")


def test_simultaneous_saves_of_the_same_version_let_exactly_one_through(engine: Engine) -> None:
    """Two coordinators press Save at the same moment (threads, one connection each)."""
    task = tasks.create_task(engine, "Saal buchen")
    loaded = version_of(engine, Task, task)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def save(actor: str) -> None:
        start.wait()
        try:
            tasks.set_notes(
                engine.execution_options(coordinator_actor=actor), task, f"von {actor}",
                expected_version=loaded,
            )  # fmt: skip
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("refused")

    threads = [threading.Thread(target=save, args=(name,)) for name in ("Anna", "Ben")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    assert notes(engine, task) in ("von Anna", "von Ben")


def test_a_save_from_another_process_is_noticed(engine: Engine, db_url: str) -> None:
    """Two processes on one database (SQLite file or PostgreSQL): no lost update."""
    task = tasks.create_task(engine, "Einladung verschicken")
    loaded = version_of(engine, Task, task)
    script = (
        "import sys\n"
        "from coordinator.minutes import tasks\n"
        "from storage.engine import open_database, resolve_target\n"
        "from storage.enums import TaskStatus\n"
        "e = open_database(resolve_target(sys.argv[1])).execution_options(coordinator_actor='Ben')\n"
        "tasks.set_status(e, int(sys.argv[2]), TaskStatus.DONE, expected_version=int(sys.argv[3]))\n"
    )
    subprocess.run(
        [sys.executable, "-c", script, db_url, str(task), str(loaded)], check=True, cwd=ROOT
    )
    with pytest.raises(EditConflict) as refused:
        tasks.set_status(engine, task, TaskStatus.DROPPED, expected_version=loaded)
    assert refused.value.actors == ["Ben"]
    with reading(engine) as session:
        saved = session.get(Task, task)
        assert saved is not None and saved.status == TaskStatus.DONE


def test_a_phase_change_on_a_stale_organisation_is_refused(engine: Engine) -> None:
    from storage.enums import Phase

    org = organisations.create_organisation(engine, OrganisationInput(name="Verein A"), today=TODAY)
    stale = version_of(engine, Organisation, org)
    organisations.change_phase(engine, org, Phase.STABILISATION, on=TODAY)
    with pytest.raises(EditConflict) as refused:
        organisations.change_phase(engine, org, Phase.ORGANISING, on=TODAY, expected_version=stale)
    assert any("stabilisation" in line for line in refused.value.lines())
