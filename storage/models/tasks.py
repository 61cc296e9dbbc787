"""Tasks (Aufgaben, To-dos) and the history of their changes."""

from datetime import date, datetime

from sqlalchemy import Index, event
from sqlmodel import Field, SQLModel

from storage.enums import Priority, TaskStatus
from storage.models._columns import created_field, enum_field, utc_field


class Task(SQLModel, table=True):
    """An action item from a meeting's minutes, or a task created on its own.

    The owner is a person or an organisation (or nobody yet). ``owner_name`` keeps the name
    shown when the owning person is erased under the GDPR.
    """

    __tablename__ = "task"
    __table_args__ = (
        # With the folded title, a search word on the board is checked in the index, and
        # with the id before it a column is read in index order (schema version 9; the title
        # itself from version 4).
        Index("ix_task_status_due", "status", "due_on", "id", "search_text"),
        Index("ix_task_owner_person_status", "owner_person_id", "status"),
        Index("ix_task_owner_org_status", "owner_organisation_id", "status"),
        # The board's done and dropped columns, latest first (schema version 4).
        Index("ix_task_status_updated", "status", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    # The title folded as the register's search is (storage/search.py), kept by the ORM events
    # below on every insert and update (schema version 8).
    search_text: str = ""
    notes: str = ""
    status: TaskStatus = enum_field(TaskStatus, TaskStatus.OPEN)
    priority: Priority = enum_field(Priority, Priority.NORMAL)
    due_on: date | None = Field(default=None, index=True)
    owner_person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    owner_organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", ondelete="SET NULL"
    )
    meeting_id: int | None = Field(
        default=None, foreign_key="meeting.id", index=True, ondelete="SET NULL"
    )
    agenda_item_id: int | None = Field(
        default=None, foreign_key="agenda_item.id", ondelete="SET NULL"
    )
    completed_at: datetime | None = utc_field(None, nullable=True)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1


class TaskEvent(SQLModel, table=True):
    """One change of a task: which field, from what, to what, when."""

    __tablename__ = "task_event"

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True, ondelete="CASCADE")
    at: datetime = created_field()
    field: str = Field(max_length=40)
    old_value: str = ""
    new_value: str = ""


@event.listens_for(Task, "before_insert")
@event.listens_for(Task, "before_update")
def _fold_title(_mapper: object, _connection: object, task: Task) -> None:
    from storage.search import fold

    task.search_text = fold(task.title or "")
