"""The audit trail: who changed which record, when, and what."""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from storage.models._columns import created_field


class AuditEntry(SQLModel, table=True):
    """One row inserted, changed or deleted by one coordinator (schema version 7).

    ``subject`` names the record a person would look for ("task:12", "person:5"); an agenda
    item's subject is its meeting, an affiliation's its person. ``changes`` is JSON:
    ``{"field": [old, new]}``. ``version`` is the record's version after the change (for the
    records with a version column), so an edit conflict can say what happened since."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_subject", "subject", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = created_field()
    actor: str = Field(max_length=120)
    action: str = Field(max_length=16)  # insert, update, delete, or an operation's name
    table_name: str = Field(max_length=64)
    row_id: str = Field(max_length=64)
    subject: str = Field(max_length=80)
    version: int | None = None
    changes: str = "{}"
