"""Minutes (Protokoll): attendance and decisions. Notes per agenda item live on AgendaItem."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from storage.enums import AttendanceStatus, DecisionKind, DecisionStatus, MinutesStatus
from storage.models._columns import created_field, enum_field, utc_field


class Minutes(SQLModel, table=True):
    __tablename__ = "minutes"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", unique=True, ondelete="CASCADE")
    minute_taker_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    status: MinutesStatus = enum_field(MinutesStatus, MinutesStatus.DRAFT)
    approved_at: datetime | None = utc_field(None, nullable=True)
    approved_in_meeting_id: int | None = Field(
        default=None, foreign_key="meeting.id", ondelete="SET NULL"
    )
    notes: str = ""
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1


class Attendance(SQLModel, table=True):
    """Who came: an invitee (person_id) or a guest (guest_name)."""

    __tablename__ = "attendance"

    id: int | None = Field(default=None, primary_key=True)
    minutes_id: int = Field(foreign_key="minutes.id", index=True, ondelete="CASCADE")
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    guest_name: str = ""
    status: AttendanceStatus = enum_field(AttendanceStatus, AttendanceStatus.PRESENT)
    # Taken from the invitee's answer when the minutes were opened, not yet confirmed by the
    # minute-taker (schema version 11): accepted = expected present, declined = excused.
    expected: bool = False


class Decision(SQLModel, table=True):
    """A decision or agreement (Beschluss, Vereinbarung) recorded in a meeting's minutes."""

    __tablename__ = "decision"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    agenda_item_id: int | None = Field(
        default=None, foreign_key="agenda_item.id", ondelete="SET NULL"
    )
    kind: DecisionKind = enum_field(DecisionKind, DecisionKind.DECISION)
    text: str
    status: DecisionStatus = enum_field(DecisionStatus, DecisionStatus.VALID, index=True)
    replaced_by_id: int | None = Field(default=None, foreign_key="decision.id", ondelete="SET NULL")
    decided_on: date
    created_at: datetime = created_field()


class MinutesEvent(SQLModel, table=True):
    """The history of minutes: started, approved, reopened (with the reason), schema 4."""

    __tablename__ = "minutes_event"

    id: int | None = Field(default=None, primary_key=True)
    minutes_id: int = Field(foreign_key="minutes.id", index=True, ondelete="CASCADE")
    at: datetime = created_field()
    action: str = Field(max_length=20)
    note: str = ""
