"""Tasks: pages of the task list, most urgent first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, func
from sqlmodel import col, select

from storage.enums import Priority, TaskStatus
from storage.models import Meeting, Organisation, Person, Task
from storage.uow import reading

OPEN_STATES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


@dataclass(frozen=True)
class TaskRow:
    id: int
    title: str
    status: TaskStatus
    priority: Priority
    due_on: date | None
    owner: str
    meeting: str


def count_tasks(engine: Engine, *, states: tuple[TaskStatus, ...] = OPEN_STATES) -> int:
    with reading(engine) as session:
        return session.exec(
            select(func.count()).select_from(Task).where(col(Task.status).in_(states))
        ).one()


def task_page(
    engine: Engine, *, offset: int, limit: int, states: tuple[TaskStatus, ...] = OPEN_STATES
) -> list[TaskRow]:
    """Tasks in the given states by due date (undated last), one page."""
    with reading(engine) as session:
        rows = session.exec(
            select(Task, Person.given_name, Person.family_name, Organisation.name, Meeting.title)
            .join(Person, col(Person.id) == col(Task.owner_person_id), isouter=True)
            .join(
                Organisation, col(Organisation.id) == col(Task.owner_organisation_id), isouter=True
            )
            .join(Meeting, col(Meeting.id) == col(Task.meeting_id), isouter=True)
            .where(col(Task.status).in_(states))
            .order_by(col(Task.due_on).asc().nulls_last(), col(Task.id))
            .offset(offset)
            .limit(limit)
        ).all()
        return [
            TaskRow(
                task.id or 0,
                task.title,
                task.status,
                task.priority,
                task.due_on,
                " ".join(p for p in (given, family) if p) or org or "",
                meeting or "",
            )
            for task, given, family, org, meeting in rows
        ]
