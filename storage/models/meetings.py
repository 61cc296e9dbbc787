"""Meetings (with recurrence and overridden occurrences), agendas, invitations and date polls."""

import uuid
from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.enums import Availability, MeetingKind, MeetingStatus, PollStatus, Rsvp
from storage.models._columns import created_field, enum_field, utc_field


def new_uid() -> str:
    return f"{uuid.uuid4()}@coordinator"


class Meeting(SQLModel, table=True):
    """A meeting, or the master of a recurring series.

    Times are aware datetimes stored as UTC; ``timezone`` is the IANA zone the meeting is
    planned in, so recurrence is expanded in local time. A single occurrence of a series that
    is moved, cancelled or given its own agenda or minutes is a row of its own with
    ``series_id`` pointing at the master and ``recurrence_id`` holding the original start
    (the iCalendar RECURRENCE-ID).
    """

    __tablename__ = "meeting"
    __table_args__ = (
        UniqueConstraint("series_id", "recurrence_id", name="uq_meeting_occurrence"),
        Index("ix_meeting_status_start", "status", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, unique=True, max_length=255)
    sequence: int = 0
    title: str = Field(max_length=200)
    kind: MeetingKind = enum_field(MeetingKind, MeetingKind.NETWORK, index=True)
    starts_at: datetime = utc_field(index=True)
    ends_at: datetime = utc_field()
    all_day: bool = False
    timezone: str = Field(default="Europe/Berlin", max_length=64)
    location: str = ""
    online_url: str = ""
    organiser_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    status: MeetingStatus = enum_field(MeetingStatus, MeetingStatus.PLANNED)
    language: str = Field(default="de", max_length=8)
    rrule: str = ""
    # End of the last occurrence of a series (None: open-ended), so expansion can skip
    # series that ended before a window without reading their rules.
    recurrence_ends_at: datetime | None = utc_field(None, nullable=True)
    series_id: int | None = Field(
        default=None, foreign_key="meeting.id", index=True, ondelete="CASCADE"
    )
    recurrence_id: datetime | None = utc_field(None, nullable=True)
    notes: str = ""
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1


class AgendaItem(SQLModel, table=True):
    __tablename__ = "agenda_item"
    __table_args__ = (Index("ix_agenda_item_meeting_position", "meeting_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", ondelete="CASCADE")
    position: int = 0
    title: str = Field(max_length=300)
    presenter_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    duration_minutes: int = 15
    note: str = ""
    minutes_text: str = ""
    source_task_id: int | None = Field(default=None, foreign_key="task.id", ondelete="SET NULL")


class Invitation(SQLModel, table=True):
    __tablename__ = "invitation"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id", name="uq_invitation"),)

    id: int | None = Field(default=None, primary_key=True)
    # No index of its own on meeting_id: uq_invitation (meeting_id, person_id) serves those
    # lookups, and one index less makes a calendar import's 100,000 inserts cheaper (v5).
    meeting_id: int = Field(foreign_key="meeting.id", ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    rsvp: Rsvp = enum_field(Rsvp, Rsvp.NO_REPLY)
    needs_update: bool = False
    invited_at: datetime = created_field()
    responded_at: datetime | None = utc_field(None, nullable=True)


class RecipientGroup(SQLModel, table=True):
    """A saved group: a filter over the register (JSON) and/or people picked by hand."""

    __tablename__ = "recipient_group"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)
    filter_json: str = "{}"
    volunteers: bool = False
    created_at: datetime = created_field()


class RecipientGroupMember(SQLModel, table=True):
    __tablename__ = "recipient_group_member"

    group_id: int = Field(foreign_key="recipient_group.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")


class DatePoll(SQLModel, table=True):
    """Terminfindung: candidate slots for a meeting and each invitee's availability."""

    __tablename__ = "date_poll"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    status: PollStatus = enum_field(PollStatus, PollStatus.OPEN, index=True)
    volunteers: bool = False
    chosen_slot_id: int | None = Field(
        default=None, foreign_key="poll_slot.id", ondelete="SET NULL"
    )
    created_at: datetime = created_field()


class PollSlot(SQLModel, table=True):
    __tablename__ = "poll_slot"

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="date_poll.id", index=True, ondelete="CASCADE")
    starts_at: datetime = utc_field()
    ends_at: datetime = utc_field()
    uid: str = Field(default_factory=new_uid, max_length=255)


class PollVote(SQLModel, table=True):
    __tablename__ = "poll_vote"

    slot_id: int = Field(foreign_key="poll_slot.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    answer: Availability = enum_field(Availability, Availability.YES)
