"""Bulk writes: rows written with ids handed out beforehand come back exactly as given, on
SQLite from a thread of its own in statements of many rows; a failing batch loses the
whole transaction."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import select

import storage.bulk
from storage.bulk import BulkWriter
from storage.enums import MeetingStatus, Rsvp
from storage.models import Invitation, Meeting, Person
from storage.uow import reading, transaction
from tests.snapshots import snapshot

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
PEOPLE = Person.__table__  # type: ignore[attr-defined]
MEETINGS = Meeting.__table__  # type: ignore[attr-defined]
INVITATIONS = Invitation.__table__  # type: ignore[attr-defined]
COLUMNS = ("meeting_id", "person_id", "rsvp", "needs_update", "invited_at", "responded_at")


def person_row(pid: int, given: str, family: str) -> dict:
    row = Person(given_name=given, family_name=family, created_at=NOW, updated_at=NOW)
    return {**row.model_dump(), "id": pid, "email": f"{given.lower()}@example.org"}


def test_rows_come_back_exactly_and_later_rows_get_fresh_ids(engine: Engine) -> None:
    with transaction(engine) as session:
        session.add(Person(given_name="Schon", family_name="Da"))
    with transaction(engine) as session:
        writer = BulkWriter(session)
        ayse, jonas = writer.ids(PEOPLE, 2)
        meeting_id = writer.next_id(MEETINGS)
        ayse_row = person_row(ayse, "Ayşe", 'Yılmaz; "Çelik"')
        ayse_row["consent_on"] = date(2026, 3, 1)
        writer.insert(PEOPLE, [ayse_row, person_row(jonas, "Jonas", "Weber")])
        start = datetime(2026, 3, 29, 18, tzinfo=BERLIN)  # the day clocks go forward
        meeting = Meeting(
            uid="bulk@example.org", title="Plenum, mit Komma", starts_at=start,
            ends_at=start.replace(hour=20), timezone="Europe/Berlin", organiser_id=ayse,
            status=MeetingStatus.CONFIRMED, all_day=False, created_at=NOW, updated_at=NOW,
        )  # fmt: skip
        writer.insert(MEETINGS, [{**meeting.model_dump(), "id": meeting_id}])
        writer.insert(
            INVITATIONS,
            [
                (meeting_id, ayse, Rsvp.ACCEPTED, True, NOW, NOW),
                (meeting_id, jonas, Rsvp.NO_REPLY, False, NOW, None),
            ],
            columns=COLUMNS,
        )
        writer.finish()
    with reading(engine) as session:
        found = session.get(Person, ayse)
        assert found is not None
        assert (found.given_name, found.family_name) == ("Ayşe", 'Yılmaz; "Çelik"')
        assert found.consent_on == date(2026, 3, 1) and found.created_at == NOW
        stored = session.get(Meeting, meeting_id)
        assert stored is not None and stored.organiser_id == ayse
        assert stored.starts_at == start and stored.status == MeetingStatus.CONFIRMED
        assert stored.all_day is False and stored.recurrence_ends_at is None
        answers = session.exec(select(Invitation).order_by(Invitation.person_id)).all()
        assert [(a.person_id, a.rsvp, a.needs_update, a.responded_at) for a in answers] == [
            (ayse, Rsvp.ACCEPTED, True, NOW),
            (jonas, Rsvp.NO_REPLY, False, None),
        ]
    with transaction(engine) as session:  # an ordinary insert afterwards: a fresh id
        later = Person(given_name="Später", family_name="Neu")
        session.add(later)
        session.flush()
        assert later.id not in (ayse, jonas)
        meeting_later = Meeting(
            uid="later@example.org", title="Danach", starts_at=NOW, ends_at=NOW,
            created_at=NOW, updated_at=NOW,
        )  # fmt: skip
        session.add(meeting_later)
        session.flush()
        assert meeting_later.id != meeting_id


def test_many_rows_across_statements_in_order(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage.bulk, "_MAX_VARIABLES", 3 * 15)  # three people per statement
    threads: set[str] = set()
    run = BulkWriter._run

    def spy(self: BulkWriter, sql: str, values: list) -> None:
        threads.add(threading.current_thread().name)
        run(self, sql, values)

    monkeypatch.setattr(BulkWriter, "_run", spy)
    with transaction(engine) as session:
        writer = BulkWriter(session)
        ids = writer.ids(PEOPLE, 10)
        writer.insert(PEOPLE, [person_row(pid, f"P{pid}", "Viele") for pid in ids])
        writer.finish()
    with reading(engine) as session:
        rows = session.exec(select(Person.id, Person.given_name).order_by(Person.id)).all()
    assert [tuple(row) for row in rows] == [(pid, f"P{pid}") for pid in ids]
    if engine.dialect.name == "sqlite":  # written by the writer's thread, in four statements
        assert threads and threading.current_thread().name not in threads


def test_a_failing_batch_loses_the_whole_transaction(engine: Engine) -> None:
    before = snapshot(engine)
    with pytest.raises(Exception) as error, transaction(engine) as session:
        writer = BulkWriter(session)
        first, second = writer.ids(PEOPLE, 2)
        writer.insert(PEOPLE, [person_row(first, "Erste", "Person")])
        writer.insert(  # no such meeting: the foreign key refuses it
            INVITATIONS, [(999_999, first, Rsvp.NO_REPLY, False, NOW, None)], columns=COLUMNS
        )
        writer.insert(PEOPLE, [person_row(second, "Zweite", "Person")])
        writer.finish()
    assert "IntegrityError" in {kind.__name__ for kind in type(error.value).__mro__}
    assert snapshot(engine) == before
