"""The audit trail: who changed what and when, in the same transaction as the change."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from coordinator.meetings import meetings
from coordinator.meetings.meetings import MeetingInput
from coordinator.minutes import tasks
from coordinator.network import changes
from coordinator.register import gdpr, people
from coordinator.register.people import PersonInput
from storage.enums import TaskStatus
from storage.models import AuditEntry, Organisation
from storage.uow import reading, transaction


def entries(engine: Engine, subject: str | None = None) -> list[AuditEntry]:
    """The entries that say what changed (a bare version bump is left out)."""
    with reading(engine) as session:
        query = select(AuditEntry).order_by(col(AuditEntry.id))
        if subject:
            query = query.where(AuditEntry.subject == subject)
        return [e for e in session.exec(query) if e.changes != "{}"]


def test_every_change_records_who_when_and_what(engine: Engine) -> None:
    anna = engine.execution_options(coordinator_actor="Anna Berger")
    ben = engine.execution_options(coordinator_actor="Ben Okafor")
    task = tasks.create_task(anna, "Raum buchen", due_on=date(2027, 1, 15))
    tasks.set_status(ben, task, TaskStatus.DONE)
    tasks.set_notes(anna, task, "Saal im Bürgerhaus")

    trail = entries(engine, f"task:{task}")
    assert [(e.actor, e.action) for e in trail] == [
        ("Anna Berger", "insert"), ("Ben Okafor", "update"), ("Anna Berger", "update"),
    ]  # fmt: skip
    assert json.loads(trail[0].changes)["title"] == [None, "Raum buchen"]
    assert json.loads(trail[1].changes)["status"] == ["open", "done"]
    assert json.loads(trail[2].changes) == {"notes": ["", "Saal im Bürgerhaus"]}
    assert all(e.at.tzinfo is not None for e in trail)
    assert trail[2].version == 4  # the task's version after the change (created at 2)

    listed = changes.recent(engine, subject=f"task:{task}")
    assert [(e.actor, e.record) for e in listed][-1] == ("Anna Berger", "Raum buchen")
    assert "status: open → done" in listed[1].summary  # newest first


def test_parts_of_a_record_are_filed_under_it(engine: Engine) -> None:
    meeting = meetings.create_meeting(
        engine, MeetingInput(title="Netzwerktreffen", day="2027-02-02", start="18:00", end="20:00")
    )
    from coordinator.meetings import agenda

    agenda.add_item(engine, meeting, "Begrüßung")
    whats = [(e.table_name, e.action) for e in entries(engine, f"meeting:{meeting}")]
    assert ("meeting", "insert") in whats and ("agenda_item", "insert") in whats


def test_a_rolled_back_change_leaves_no_entry(engine: Engine) -> None:
    before = len(entries(engine))
    with pytest.raises(RuntimeError), transaction(engine) as session:
        session.add(Organisation(name="Nie gespeichert"))
        session.flush()
        raise RuntimeError("stop")
    assert len(entries(engine)) == before


def test_deletions_are_recorded(engine: Engine) -> None:
    person = people.create_person(engine, PersonInput("Lena", "Vogt", "lena@example.org"))
    people.delete_person(engine, person)
    assert [e.action for e in entries(engine, f"person:{person}")] == ["insert", "delete"]


def test_erasure_keeps_who_and_when_but_not_the_values(engine: Engine) -> None:
    person = people.create_person(engine, PersonInput("Lena", "Vogt", "lena@example.org"))
    people.update_person(engine, person, PersonInput("Lena", "Vogt", "vogt@example.org"))
    gdpr.erase_person(engine, person)
    trail = entries(engine, f"person:{person}")
    assert len(trail) == 3
    text = " ".join(e.changes for e in trail)
    assert "Vogt" not in text and "example.org" not in text
    assert "email" in json.loads(trail[1].changes)  # which field changed is kept
    exported = gdpr.export_person(engine, person)["record_changes"]
    assert [change["action"] for change in exported if change["fields"]] == [
        "insert", "update", "update",
    ]  # fmt: skip
    assert "Changes to the record" in gdpr.export_text(engine, person, language="en")
