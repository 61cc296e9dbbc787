"""Announcements (Rundbrief): messages to pass information on to a group."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.enums import AnnouncementStatus
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
