"""Announcements (Rundbrief): messages to pass information on to a group."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
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
    created_at: datetime = created_field()
    sent_at: datetime | None = utc_field(None, nullable=True)


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
