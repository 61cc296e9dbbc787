"""The project's standard hostile test data: every case of ``fixtures/hostile-strings.txt``
(a copy of ``shared/data/hostile-strings.txt``) decoded, and a network whose every text field
holds one of them.

The network has, for each case *i*: an organisation, a person (affiliated, with a contact
log entry), a meeting with an agenda item, minutes (notes, a guest, a decision), an
invitation, a task, a recipient group, an announcement and a calendar import, each of them
named, titled, placed and noted with the case. Meetings start on consecutive days from
``start``, so the dashboard, the week and the month show them.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from coordinator.register.organisations import organisation_search_key
from coordinator.register.people import person_search_key
from storage.enums import MeetingStatus, Membership, Phase, Priority, TaskStatus
from storage.models import (
    Affiliation,
    AgendaItem,
    Announcement,
    Attendance,
    CalendarImport,
    ContactLogEntry,
    Decision,
    Invitation,
    Meeting,
    Minutes,
    Organisation,
    Person,
    RecipientGroup,
    RecipientGroupMember,
    Task,
)

FILE = Path(__file__).parent / "fixtures" / "hostile-strings.txt"


def decode(line: str) -> str:
    """The file's notation: x{N} is N letters x, \\u{HEX} a code point, \\r \\n \\t."""
    text = re.sub(r"x\{(\d+)\}", lambda m: "x" * int(m[1]), line)
    text = re.sub(r"\\u\{([0-9A-Fa-f]+)\}", lambda m: chr(int(m[1], 16)), text)
    return text.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t")


def hostile_strings() -> list[str]:
    lines = FILE.read_text(encoding="utf-8").split("\n")
    return [decode(line) for line in lines if line and not line.startswith("#")]


HOSTILE = hostile_strings()
# The cases a person can read back on one line of a screen (no control characters and
# short enough for a table column), each with the text to look for.
MARKUP = [s for s in HOSTILE if "[" in s and "\n" not in s and "\r" not in s]


def clip(value: str, width: int) -> str:
    return value[:width]


def fill_hostile(engine: Engine, start: datetime) -> dict[str, list[int]]:
    """Write the hostile network; returns the ids made, by kind."""
    ids: dict[str, list[int]] = {k: [] for k in ("org", "person", "meeting", "task")}
    with Session(engine) as session:
        for i, text in enumerate(HOSTILE):
            org = Organisation(
                name=clip(text, 200),
                origin=clip(text, 120),
                city=clip(text, 120),
                district=clip(text, 120),
                phase=list(Phase)[i % len(Phase)],
                membership=Membership.MEMBER,
                website="https://example.org/" + str(i),
                notes=text,
                last_contact_at=start - timedelta(days=60 + i),
            )
            org.search_text = organisation_search_key(org)
            session.add(org)
            session.flush()
            person = Person(
                given_name=clip(text, 120),
                family_name=f"H{i}",
                email=f"person{i}@example.org",
                phone="+49 521 555" + f"{i:04d}",
                consent_on=date(2026, 1, 1),
                consent_purpose=text,
                notes=text,
                last_contact_at=start - timedelta(days=60 + i),
            )
            session.add(person)
            session.flush()
            session.add(
                Affiliation(person_id=person.id, organisation_id=org.id, role=clip(text, 120))
            )
            session.flush()
            person.search_text = person_search_key(session, person)
            session.add(
                ContactLogEntry(
                    occurred_at=start - timedelta(days=60 + i),
                    person_id=person.id,
                    organisation_id=org.id,
                    note=text,
                )
            )
            begins = start + timedelta(days=i % 30, hours=9 + i % 10)
            meeting = Meeting(
                title=clip(text, 200),
                starts_at=begins,
                ends_at=begins + timedelta(hours=2),
                location=text,
                online_url="",
                organiser_id=person.id,
                status=MeetingStatus.PLANNED,
                notes=text,
            )
            session.add(meeting)
            session.flush()
            item = AgendaItem(
                meeting_id=meeting.id,
                position=0,
                title=clip(text, 300),
                presenter_id=person.id,
                note=text,
                minutes_text=text,
            )
            session.add(item)
            session.add(Invitation(meeting_id=meeting.id, person_id=person.id))
            session.flush()
            minutes = Minutes(meeting_id=meeting.id, minute_taker_id=person.id, notes=text)
            session.add(minutes)
            session.flush()
            session.add(Attendance(minutes_id=minutes.id, guest_name=clip(text, 200)))
            session.add(
                Decision(
                    meeting_id=meeting.id,
                    agenda_item_id=item.id,
                    text=text,
                    decided_on=begins.date(),
                )
            )
            task = Task(
                title=clip(text, 300),
                notes=text,
                status=list(TaskStatus)[i % 2],
                priority=Priority.NORMAL,
                due_on=(start + timedelta(days=i % 10 - 3)).date(),
                owner_person_id=person.id,
                meeting_id=meeting.id,
            )
            session.add(task)
            group = RecipientGroup(name=clip(f"{text} {i}", 200), filter_json="{}")
            session.add(group)
            session.flush()
            session.add(RecipientGroupMember(group_id=group.id, person_id=person.id))
            session.add(
                Announcement(
                    subject=clip(text, 300), body=text, group_id=group.id, meeting_id=meeting.id
                )
            )
            session.add(
                CalendarImport(
                    file_name=clip(text, 500), summary="{}", imported_at=start - timedelta(days=1)
                )
            )
            session.flush()
            ids["org"].append(org.id or 0)
            ids["person"].append(person.id or 0)
            ids["meeting"].append(meeting.id or 0)
            ids["task"].append(task.id or 0)
        session.commit()
    return ids


HOSTILE_NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
