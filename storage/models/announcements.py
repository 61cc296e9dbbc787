"""Announcements (Rundbrief): messages to pass information on to a group."""

from datetime import datetime

from sqlalchemy import LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.enums import AnnouncementStatus, DeliveryStatus
from storage.models._columns import created_field, enum_field, utc_field


class Announcement(SQLModel, table=True):
    __tablename__ = "announcement"

    id: int | None = Field(default=None, primary_key=True)
    subject: str = Field(max_length=300)
    body: str = ""
    language: str = Field(default="de", max_length=8)
    group_id: int | None = Field(
        default=None, foreign_key="recipient_group.id", ondelete="SET NULL"
    )
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", ondelete="SET NULL")
    status: AnnouncementStatus = enum_field(AnnouncementStatus, AnnouncementStatus.DRAFT)
    # What the meeting contributes: "invitation" (calendar part and agenda; a cancellation
    # when it is cancelled) or "minutes" (minutes and its to-do list). Schema version 6.
    attach: str = Field(default="invitation", max_length=20)
    created_at: datetime = created_field()
    sent_at: datetime | None = utc_field(None, nullable=True)


class AnnouncementTranslation(SQLModel, table=True):
    """The announcement in another language, for recipients who prefer it (schema 6)."""

    __tablename__ = "announcement_translation"

    announcement_id: int = Field(
        foreign_key="announcement.id", primary_key=True, ondelete="CASCADE"
    )
    language: str = Field(primary_key=True, max_length=8)
    subject: str = Field(max_length=300)
    body: str = ""


class AnnouncementFile(SQLModel, table=True):
    """A file attached to an announcement, kept whole (schema 6): it is sent as it was when
    attached, even if the original moves."""

    __tablename__ = "announcement_file"

    id: int | None = Field(default=None, primary_key=True)
    announcement_id: int = Field(foreign_key="announcement.id", index=True, ondelete="CASCADE")
    filename: str = Field(max_length=255)
    content: bytes = Field(sa_type=LargeBinary)


class Delivery(SQLModel, table=True):
    """One announcement to one person: the send log. A person gets an announcement at most
    once (``uq_delivery``); a failed delivery keeps its error and can be retried."""

    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("announcement_id", "person_id", name="uq_delivery"),)

    id: int | None = Field(default=None, primary_key=True)
    announcement_id: int = Field(foreign_key="announcement.id", ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    email: str = Field(default="", max_length=254)
    status: DeliveryStatus = enum_field(DeliveryStatus, DeliveryStatus.PENDING)
    error: str = ""
    message_id: str = Field(default="", max_length=300)
    attempts: int = 0
    sent_at: datetime | None = utc_field(None, nullable=True)
