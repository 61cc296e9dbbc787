"""Tasks: the list and the board with filters, and the quick changes (status, owner, due
date), each recorded in the task's history."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from coordinator.dashboard import OPEN_TASK_STATES
from coordinator.i18n import N_, _
from coordinator.network.concurrency import check, locked
from coordinator.validation import Checker, ValidationError
from storage.enums import Priority, TaskStatus
from storage.models import Meeting, Organisation, Person, Task, TaskEvent
from storage.uow import reading, transaction

OPEN_STATES = OPEN_TASK_STATES
DUE_CHOICES = ("overdue", "week", "later", "none")


@dataclass(frozen=True)
class TaskFilter:
    states: tuple[TaskStatus, ...] = OPEN_STATES
    owner_person_id: int | None = None
    owner_organisation_id: int | None = None  # the organisation, or one of its people
    meeting_id: int | None = None  # a meeting, or every meeting of its series
    due: str = ""  # "", overdue, week, later, none
    text: str = ""


@dataclass(frozen=True)
class TaskRow:
    id: int
    title: str
    status: TaskStatus
    priority: Priority
    due_on: date | None
    owner: str
    meeting: str
    version: int = 1  # as read: status changes from the board refuse to act on a stale row
    erased_owner: int | None = None  # an erased owner's ID: a document names them in its language


def _conditions(flt: TaskFilter, today: date) -> list[Any]:
    from storage.models import Affiliation
    from storage.search import like_pattern

    conditions: list[Any] = [col(Task.status).in_(flt.states)]
    if flt.owner_person_id is not None:
        conditions.append(Task.owner_person_id == flt.owner_person_id)
    if flt.owner_organisation_id is not None:
        members = select(Affiliation.person_id).where(
            Affiliation.organisation_id == flt.owner_organisation_id
        )
        conditions.append(
            (col(Task.owner_organisation_id) == flt.owner_organisation_id)
            | col(Task.owner_person_id).in_(members)
        )
    if flt.meeting_id is not None:
        series = select(Meeting.id).where(
            (col(Meeting.id) == flt.meeting_id) | (col(Meeting.series_id) == flt.meeting_id)
        )
        conditions.append(col(Task.meeting_id).in_(series))
    if flt.due == "overdue":
        conditions.append(col(Task.due_on) < today)
    elif flt.due == "week":
        conditions += [col(Task.due_on) >= today, col(Task.due_on) <= today + timedelta(days=6)]
    elif flt.due == "later":
        conditions.append(col(Task.due_on) > today + timedelta(days=6))
    elif flt.due == "none":
        conditions.append(col(Task.due_on).is_(None))
    for word in flt.text.split():
        conditions.append(col(Task.search_text).like(like_pattern(word), escape="\\"))
    return conditions


def _rows(session: Session, query: Any) -> list[TaskRow]:
    from coordinator.register.gdpr import anonymised_name

    return [
        TaskRow(
            task.id or 0, task.title, task.status, task.priority, task.due_on,
            anonymised_name(task.owner_person_id) if erased
            else " ".join(p for p in (given, family) if p) or org or "",
            meeting or "", task.version, task.owner_person_id if erased else None,
        )
        for task, given, family, erased, org, meeting in session.exec(query)
    ]  # fmt: skip


def _select() -> Any:
    return (
        select(
            Task,
            Person.given_name,
            Person.family_name,
            Person.erased_at,
            Organisation.name,
            Meeting.title,
        )
        .join(Person, col(Person.id) == col(Task.owner_person_id), isouter=True)
        .join(Organisation, col(Organisation.id) == col(Task.owner_organisation_id), isouter=True)
        .join(Meeting, col(Meeting.id) == col(Task.meeting_id), isouter=True)
    )


def count_tasks(
    engine: Engine, flt: TaskFilter = TaskFilter(), *, today: date | None = None
) -> int:
    today = today or date.today()
    with reading(engine) as session:
        return int(
            session.exec(
                select(func.count()).select_from(Task).where(*_conditions(flt, today))
            ).one()
        )


def _by_due(session: Session, flt: TaskFilter, today: date, limit: int) -> list[TaskRow]:
    """The first ``limit`` tasks by due date (undated last). One ordered index scan per state
    and for the dated and undated ones, merged here, instead of sorting every match."""
    dated: list[TaskRow] = []
    for state in flt.states:
        conditions = _conditions(replace(flt, states=(state,)), today)
        dated += _rows(
            session,
            _select()
            .where(*conditions, col(Task.due_on).is_not(None))
            .order_by(col(Task.due_on), col(Task.id))
            .limit(limit),
        )
    dated.sort(key=lambda row: (row.due_on or date.max, row.id))
    found = dated[:limit]
    if len(found) < limit:
        undated: list[TaskRow] = []
        for state in flt.states:
            conditions = _conditions(replace(flt, states=(state,)), today)
            undated += _rows(
                session,
                _select()
                .where(*conditions, col(Task.due_on).is_(None))
                .order_by(col(Task.id))
                .limit(limit),
            )
        found += sorted(undated, key=lambda row: row.id)[: limit - len(found)]
    return found


def task_page(
    engine: Engine,
    flt: TaskFilter = TaskFilter(),
    *,
    offset: int,
    limit: int,
    today: date | None = None,
) -> list[TaskRow]:
    """Tasks by due date (undated last), one page."""
    with reading(engine) as session:
        return _by_due(session, flt, today or date.today(), offset + limit)[offset:]


@dataclass(frozen=True)
class BoardColumn:
    status: TaskStatus
    count: int
    tasks: list[TaskRow] = field(default_factory=list)


def board(
    engine: Engine,
    flt: TaskFilter = TaskFilter(),
    *,
    today: date | None = None,
    per_column: int = 30,
) -> list[BoardColumn]:
    """The task board: one column per status with its count and most urgent tasks."""
    today = today or date.today()
    columns = []
    with reading(engine) as session:
        everything = replace(flt, states=tuple(TaskStatus))
        counts = dict(
            session.exec(
                select(Task.status, func.count())
                .where(*_conditions(everything, today))
                .group_by(Task.status)
            ).all()
        )
        for status in TaskStatus:
            column_filter = replace(flt, states=(status,))
            conditions = _conditions(column_filter, today)
            count = int(counts.get(status, 0))
            if status in OPEN_STATES:
                rows = _by_due(session, column_filter, today, per_column)
            else:  # finished work: the latest first, read backwards from the index
                latest = (
                    _select()
                    .where(*conditions)
                    .order_by(col(Task.updated_at).desc(), col(Task.id).desc())
                )
                rows = _rows(session, latest.limit(per_column))
            columns.append(BoardColumn(status, count, rows))
    return columns


FIELD_LABELS = {
    "created": N_("created"),
    "status": N_("Status"),
    "owner": N_("Owner"),
    "due_on": N_("Due"),
    "notes": N_("Notes"),
}  # what history lines name


def _record(session: Session, task: Task, name: str, old: object, new: object) -> None:
    session.add(
        TaskEvent(task_id=task.id or 0, field=name, old_value=_text(old), new_value=_text(new))
    )
    task.updated_at = datetime.now(UTC)
    task.version += 1


def _text(value: object) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(getattr(value, "value", value))


def create_task(
    engine: Engine, title: str, *, owner_person_id: int | None = None, owner_organisation_id: int | None = None,
    due_on: date | None = None, priority: Priority = Priority.NORMAL, notes: str = "", meeting_id: int | None = None,
) -> int:  # fmt: skip
    check = Checker()
    title = check.required("title", title, max_length=300)
    if owner_person_id is not None and owner_organisation_id is not None:
        check.fail("owner", _("A task has one owner: a person or an organisation."))
    check.check()
    with transaction(engine) as session:
        task = Task(
            title=title, owner_person_id=owner_person_id, owner_organisation_id=owner_organisation_id,
            due_on=due_on, priority=priority, notes=notes.strip(), meeting_id=meeting_id,
        )  # fmt: skip
        session.add(task)
        session.flush()
        _record(session, task, "created", None, title)
        return task.id or 0


def _task(session: Session, task_id: int, expected_version: int | None = None) -> Task:
    """The task to change, locked; EditConflict when it changed since ``expected_version``."""
    task = locked(session, Task, task_id)
    check(session, task, expected_version, "task")
    return task


def set_status(
    engine: Engine, task_id: int, status: TaskStatus, *, expected_version: int | None = None
) -> None:
    with transaction(engine) as session:
        task = _task(session, task_id, expected_version)
        if task.status == status:
            return
        _record(session, task, "status", task.status, status)
        task.status = status
        task.completed_at = datetime.now(UTC) if status == TaskStatus.DONE else None


def reassign(
    engine: Engine,
    task_id: int,
    *,
    person_id: int | None = None,
    organisation_id: int | None = None,
    expected_version: int | None = None,
) -> None:
    if person_id is not None and organisation_id is not None:
        raise ValidationError({"owner": _("A task has one owner: a person or an organisation.")})
    with transaction(engine) as session:
        task = _task(session, task_id, expected_version)
        for model, key in ((Person, person_id), (Organisation, organisation_id)):
            if key is not None and session.get(model, key) is None:
                raise ValidationError({"owner": _("Unknown person or organisation.")})
        old = f"{task.owner_person_id or ''}/{task.owner_organisation_id or ''}"
        task.owner_person_id, task.owner_organisation_id = person_id, organisation_id
        _record(session, task, "owner", old, f"{person_id or ''}/{organisation_id or ''}")


def set_notes(
    engine: Engine, task_id: int, notes: str, *, expected_version: int | None = None
) -> None:
    checker = Checker()
    notes = checker.length("notes", notes, 5000)
    checker.check()
    with transaction(engine) as session:
        task = _task(session, task_id, expected_version)
        _record(session, task, "notes", task.notes, notes)
        task.notes = notes


def postpone(
    engine: Engine, task_id: int, *, days: int = 7, to: date | None = None,
    today: date | None = None, expected_version: int | None = None,
) -> date:  # fmt: skip
    """Move the due date (by a week unless said otherwise; an overdue task to a week from
    ``today``); returns the new date."""
    today = today or date.today()
    with transaction(engine) as session:
        task = _task(session, task_id, expected_version)
        new = to or (max(task.due_on or today, today) + timedelta(days=days))
        _record(session, task, "due_on", task.due_on, new)
        task.due_on = new
        return new


def history(engine: Engine, task_id: int) -> list[tuple[datetime, str, str, str]]:
    """A task's changes in words: when, what (Status, Owner, Due ...), before and after as a
    person reads them ("in progress", "31.03.2027", the owner's name), not as stored."""
    with reading(engine) as session:
        events = list(
            session.exec(
                select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(col(TaskEvent.id))
            )
        )
        owners = _owner_names(
            session, [v for e in events if e.field == "owner" for v in (e.old_value, e.new_value)]
        )
    return [
        (
            e.at,
            _(FIELD_LABELS[e.field]) if e.field in FIELD_LABELS else e.field,
            _in_words(e.field, e.old_value, owners),
            _in_words(e.field, e.new_value, owners),
        )
        for e in events
    ]


def _in_words(name: str, value: str, owners: dict[str, str]) -> str:
    from coordinator.labels import format_date, label

    if not value:
        return ""
    try:
        if name == "status":
            return label(TaskStatus(value))
        if name == "due_on":
            return format_date(date.fromisoformat(value))
    except ValueError:
        return value
    if name == "owner":
        return owners.get(value, value)
    return value


def _owner_names(session: Session, values: list[str]) -> dict[str, str]:
    """Stored owners ("person/organisation" ids: "12/" or "/3") by name."""
    names: dict[str, str] = {}
    for value in {v for v in values if v}:
        person, _sep, organisation = value.partition("/")
        if person.isdigit() and (found := session.get(Person, int(person))) is not None:
            names[value] = found.full_name
        elif organisation.isdigit() and (org := session.get(Organisation, int(organisation))):
            names[value] = org.name
        elif value == "/":
            names[value] = ""
    return names


def owner_filter(engine: Engine, name: str) -> dict[str, int]:
    """The filter for an owner given by name (a person or an organisation, as in the register;
    case and accents do not matter, and a part of the name that fits one owner is enough) or
    by a person's ID."""
    from coordinator.register.names import fitting, listed, names

    name = name.strip()
    if name.isdigit():
        return {"owner_person_id": int(name)}
    found = fitting(name, names(engine, ("person", "organisation")))
    if len(found) == 1:
        key = "owner_person_id" if found[0].kind == "person" else "owner_organisation_id"
        return {key: found[0].id}
    if not found:
        raise ValidationError(
            {"owner": _("No organisation or person called “{name}”.").format(name=name)}
        )
    raise ValidationError(
        {
            "owner": _("“{name}” fits {n} owners ({names}): write more of the name.").format(
                name=name, n=len(found), names=listed(found)
            )
        }
    )


def checked_task(engine: Engine, typed: dict[str, str]) -> dict[str, Any]:
    """What a task dialog typed (any of title, owner, due, priority, notes), checked at once
    before the dialog closes: every bad field named (a due date 31.02.2027, an owner that
    fits nobody or several), so the coordinator can correct it without typing it again.
    Returns the values ready for create_task or reassign."""
    checker = Checker()
    found: dict[str, Any] = {}
    if "title" in typed:
        found["title"] = checker.required("title", typed["title"], max_length=300)
    if "due" in typed:
        found["due_on"] = checker.date("due", typed["due"])
    if "notes" in typed:
        found["notes"] = typed["notes"]
    found["priority"] = Priority(typed.get("priority") or Priority.NORMAL)
    owner: dict[str, int] = {}
    if typed.get("owner", "").strip():
        try:
            owner = owner_filter(engine, typed["owner"])
        except ValidationError as exc:
            for name, message in exc.errors.items():
                checker.fail(name, message)
    checker.check()
    found["owner_person_id"] = owner.get("owner_person_id")
    found["owner_organisation_id"] = owner.get("owner_organisation_id")
    return found


def notes_of(engine: Engine, task_id: int) -> str:
    with reading(engine) as session:  # a plain read: no row lock
        task = session.get(Task, task_id)
        if task is None:
            raise LookupError(task_id)
        return task.notes
