"""Every table stores and returns what it was given, including aware times and enums."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, SQLModel, select

from storage.enums import (
    AttendanceStatus,
    Availability,
    ContactChannel,
    DecisionKind,
    DeliveryStatus,
    MeetingKind,
    MeetingStatus,
    Membership,
    OrgKind,
    Phase,
    Priority,
    Rsvp,
    TaskStatus,
    Topic,
)
from storage.models import (
    ALL_MODELS,
    Affiliation,
    AgendaItem,
    Announcement,
    AnnouncementFile,
    AnnouncementTranslation,
    Attendance,
    AuditEntry,
    CalendarImport,
    CalendarImportChange,
    ContactLogEntry,
    DatePoll,
    Decision,
    Delivery,
    Invitation,
    MailReply,
    Meeting,
    Meta,
    Minutes,
    MinutesEvent,
    Organisation,
    OrganisationTopic,
    Person,
    PersonLanguage,
    PhaseChange,
    PollSlot,
    PollVote,
    RecipientGroup,
    RecipientGroupMember,
    Task,
    TaskEvent,
)
from storage.uow import transaction

T0 = datetime(2026, 3, 28, 17, 0, tzinfo=UTC)


def build_graph(session: Session) -> list[SQLModel]:
    """One row of every table, linked as the app links them."""
    org = Organisation(
        name="Kulturverein Köln-Mülheim e.V.",
        kind=OrgKind.MSO,
        origin="türkisch",
        city="Köln",
        district="Mülheim",
        phase=Phase.ORGANISING,
        phase_changed_on=date(2026, 2, 1),
        membership=Membership.MEMBER,
        website="https://verein.example.org",
        notes="Trifft sich donnerstags",
        last_contact_at=T0,
    )
    person = Person(
        given_name="Zeynep",
        family_name="Çelik",
        email="zeynep@example.org",
        phone="+49 30 23125 001",
        preferred_language="tr",
        consent_on=date(2026, 1, 5),
        consent_purpose="Einladungen",
        last_contact_at=T0,
    )
    session.add_all([org, person])
    session.flush()
    meeting = Meeting(
        title="Netzwerktreffen",
        kind=MeetingKind.NETWORK,
        starts_at=T0,
        ends_at=T0 + timedelta(hours=2),
        timezone="Europe/Berlin",
        location="Saal 2",
        organiser_id=person.id,
        status=MeetingStatus.CONFIRMED,
        rrule="FREQ=WEEKLY;INTERVAL=2",
        sequence=3,
    )
    group = RecipientGroup(name="Alle", filter_json='{"kind": ["mso"]}', volunteers=True)
    session.add_all([meeting, group])
    session.flush()
    occurrence = Meeting(
        title="Netzwerktreffen",
        starts_at=T0 + timedelta(days=15),
        ends_at=T0 + timedelta(days=15, hours=2),
        series_id=meeting.id,
        recurrence_id=T0 + timedelta(days=14),
        status=MeetingStatus.CANCELLED,
    )
    task = Task(
        title="Raum buchen",
        status=TaskStatus.IN_PROGRESS,
        priority=Priority.HIGH,
        due_on=date(2026, 4, 1),
        owner_person_id=person.id,
        meeting_id=meeting.id,
    )
    session.add_all([occurrence, task])
    session.flush()
    item = AgendaItem(
        meeting_id=meeting.id,
        position=1,
        title="Bericht",
        presenter_id=person.id,
        source_task_id=task.id,
    )
    minutes = Minutes(meeting_id=meeting.id, minute_taker_id=person.id)
    poll = DatePoll(meeting_id=meeting.id, volunteers=True)
    calendar_import = CalendarImport(file_name="partner.ics", summary="1 new", undone_at=T0)
    session.add_all([item, minutes, poll, calendar_import])
    session.flush()
    slot = PollSlot(poll_id=poll.id, starts_at=T0, ends_at=T0 + timedelta(hours=1))
    session.add(slot)
    session.flush()
    rows: list[SQLModel] = [
        org,
        person,
        meeting,
        occurrence,
        group,
        task,
        item,
        minutes,
        poll,
        slot,
        OrganisationTopic(organisation_id=org.id, topic=Topic.CULTURE),
        PhaseChange(
            organisation_id=org.id,
            from_phase=Phase.FIRST_CONTACT,
            to_phase=Phase.ORGANISING,
            changed_on=date(2026, 2, 1),
        ),
        PersonLanguage(person_id=person.id, language="tr"),
        Affiliation(person_id=person.id, organisation_id=org.id, role="Vorstand"),
        ContactLogEntry(
            occurred_at=T0,
            channel=ContactChannel.VISIT,
            person_id=person.id,
            organisation_id=org.id,
            note="Besuch",
        ),
        Invitation(
            meeting_id=meeting.id,
            person_id=person.id,
            rsvp=Rsvp.TENTATIVE,
            needs_update=True,
            responded_at=T0,
        ),
        RecipientGroupMember(group_id=group.id, person_id=person.id),
        PollVote(slot_id=slot.id, person_id=person.id, answer=Availability.IF_NEED_BE),
        Attendance(minutes_id=minutes.id, person_id=person.id, status=AttendanceStatus.EXCUSED),
        Decision(
            meeting_id=meeting.id,
            agenda_item_id=item.id,
            kind=DecisionKind.RULE,
            text="Treffen ab 18 Uhr",
            decided_on=date(2026, 3, 28),
        ),
        TaskEvent(task_id=task.id, field="status", old_value="open", new_value="in_progress"),
        Announcement(
            subject="Rundbrief März", body="Hallo", group_id=group.id, meeting_id=meeting.id
        ),
        MinutesEvent(minutes_id=minutes.id, action="approved", note="im Folgetreffen"),
        CalendarImportChange(
            import_id=calendar_import.id,
            table_name="meeting",
            row_key="[1]",
            before="{}",
            after='{"title": "x"}',
        ),
        calendar_import,
    ]
    session.add_all(rows[10:])
    session.flush()
    announcement = next(row for row in rows if isinstance(row, Announcement))
    delivery = Delivery(
        announcement_id=announcement.id,
        person_id=person.id,
        email="a@example.org",
        status=DeliveryStatus.FAILED,
        error="421 try later",
        attempts=2,
    )
    translation = AnnouncementTranslation(
        announcement_id=announcement.id, language="tr", subject="Bülten", body="Merhaba"
    )
    attached = AnnouncementFile(
        announcement_id=announcement.id, filename="flyer.pdf", content=b"%PDF-1.4\x00\xff"
    )
    entry = AuditEntry(
        actor="Anna Berger", action="update", table_name="task", row_id="1", subject="task:1",
        version=3, changes='{"status": ["open", "done"]}',
    )  # fmt: skip
    reply = MailReply(
        message_key="0" * 64, sender="ayse@example.org", subject="Accepted: Netzwerktreffen",
        outcome="recorded", detail="Netzwerktreffen: accepted",
    )  # fmt: skip
    session.add_all([delivery, translation, attached, entry, reply])
    rows += [delivery, translation, attached, entry, reply]
    return rows


def test_every_model_round_trips(engine: Engine) -> None:
    with transaction(engine) as session:
        rows = build_graph(session)
    expected = {(type(row), tuple(_pk(row))): row.model_dump() for row in rows}
    assert {type(row) for row in rows} | {Meta} == set(ALL_MODELS)
    with Session(engine) as session:
        for (model, key), values in expected.items():
            stored = session.get(model, key if len(key) > 1 else key[0])
            assert stored is not None, model
            assert stored.model_dump() == values, model.__name__


def _pk(row: SQLModel) -> list[object]:
    return [getattr(row, column.name) for column in row.__table__.primary_key.columns]  # type: ignore[attr-defined]


def test_times_come_back_aware_in_utc(engine: Engine) -> None:
    berlin_evening = datetime(2026, 7, 1, 18, 0, tzinfo=timezone(timedelta(hours=2)))
    with transaction(engine) as session:
        session.add(Meeting(title="Sommer", starts_at=berlin_evening, ends_at=berlin_evening))
    with Session(engine) as session:
        meeting = session.exec(select(Meeting)).one()
    assert meeting.starts_at == berlin_evening
    assert meeting.starts_at.tzinfo == UTC
    assert meeting.starts_at.hour == 16


def test_naive_times_are_refused(engine: Engine) -> None:
    with pytest.raises(StatementError, match="naive datetime"), transaction(engine) as session:
        session.add(Meeting(title="Naiv", starts_at=datetime(2026, 1, 1, 18), ends_at=T0))


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError), transaction(engine) as session:
        session.add(Affiliation(person_id=999, organisation_id=999, role="x"))


def test_deleting_a_person_keeps_their_tasks_unassigned(engine: Engine) -> None:
    with transaction(engine) as session:
        rows = build_graph(session)
        person_id = rows[1].id  # type: ignore[attr-defined]
    with transaction(engine) as session:
        session.delete(session.get(Person, person_id))
    with Session(engine) as session:
        task = session.exec(select(Task)).one()
        assert task.owner_person_id is None
        assert session.exec(select(Affiliation)).all() == []
