"""Calendar imports and what each one changed, so the last one can be undone exactly; and the
mails with partners' answers that were read (schema version 11), so none is read twice."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.models._columns import created_field, utc_field


class CalendarImport(SQLModel, table=True):
    """One applied import of a calendar file."""

    __tablename__ = "calendar_import"

    id: int | None = Field(default=None, primary_key=True)
    file_name: str = Field(default="", max_length=500)
    summary: str = ""  # what it did: its counts per action as JSON (import_plan.describe_counts)
    imported_at: datetime = created_field()
    undone_at: datetime | None = utc_field(None, nullable=True)


class CalendarImportChange(SQLModel, table=True):
    """A row the import created (``before`` empty) or changed (``before`` holds the row as
    it was, ``after`` as the import left it), as JSON. ``row_key`` names the row."""

    __tablename__ = "calendar_import_change"

    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="calendar_import.id", index=True, ondelete="CASCADE")
    table_name: str = Field(max_length=64)
    row_key: str = Field(max_length=200)
    before: str = ""
    after: str = ""


class MailReply(SQLModel, table=True):
    """One message of the coordinator's mailbox that was read for answers (its outcome said
    once: recorded, unchanged, refused). ``message_key`` is the SHA-256 of its Message-ID
    (or of the message itself when it has none)."""

    __tablename__ = "mail_reply"

    id: int | None = Field(default=None, primary_key=True)
    message_key: str = Field(max_length=64, unique=True)
    sender: str = Field(default="", max_length=254)
    subject: str = Field(default="", max_length=300)
    outcome: str = Field(default="", max_length=16)
    detail: str = ""
    read_at: datetime = created_field()
