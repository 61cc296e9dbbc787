"""A deterministic generator of the fictional sample network in ``sample.db``.

Fixed seed and fixed dates: the history runs from January 2025 to the sample's "as of" day
(17 November 2026); the series, date polls and planned tasks run into 2030, so whenever the
sample is opened the dashboard shows past minutes, overdue tasks and upcoming meetings.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from coordinator.sample.common import AS_OF, HISTORY_START, SEED, Built
from coordinator.sample.meetings_part import MeetingsPart
from coordinator.sample.register_part import RegisterPart
from coordinator.sample.work_part import WorkPart
from storage.engine import open_database, resolve_target
from storage.enums import (
    TaskStatus,
)
from storage.models import (
    Task,
)
from storage.uow import transaction


class SampleBuilder(RegisterPart, MeetingsPart, WorkPart):
    def __init__(self, session: Session) -> None:
        self.session = session
        self.rng = random.Random(SEED)
        self.built = Built()
        self._uid = 0
        self._used_names: set[tuple[str, str]] = set()
        self._phone = 100

    # -- helpers ---------------------------------------------------------------------------

    def uid(self, prefix: str) -> str:
        self._uid += 1
        return f"{prefix}-{self._uid:05d}@sample.coordinator"

    def add(self, row: object) -> None:
        self.session.add(row)

    def flush(self) -> None:
        self.session.flush()

    def history_moment(self, start: datetime = HISTORY_START, end: datetime = AS_OF) -> datetime:
        span = int((end - start).total_seconds() // 60)
        return start + timedelta(minutes=self.rng.randrange(span))


def build(session: Session) -> None:
    """Fill an empty network database with the sample network."""
    builder = SampleBuilder(session)
    builder.organisations()
    builder.people()
    builder.search_keys()
    builder.contact_log()
    builder.meetings()
    builder.groups_and_announcements()


def write_sample(engine: Engine) -> None:
    # The sample's history is told by its own tables (contact log, task and minutes events);
    # the audit trail starts with the coordinators' recent work below.
    with transaction(engine.execution_options(coordinator_audit=False)) as session:
        build(session)
    recent_work(engine)


def recent_work(engine: Engine) -> None:
    """The last days' work of the network's two coordinators, each change in its own
    transaction under its author's name, so the Changes section and the records' histories
    show something from the start (at fixed times: the sample is reproducible)."""
    from storage.models import TaskEvent

    plan = (
        ("Amira Haddad", 0, "status", TaskStatus.IN_PROGRESS, datetime(2026, 11, 20, 14, 12, tzinfo=UTC)),
        ("Jonas Weber", 1, "notes", "Zwei Vereine haben schon geantwortet, der Rest folgt bis Freitag.", datetime(2026, 11, 21, 9, 40, tzinfo=UTC)),
        ("Amira Haddad", 2, "due_on", date(2026, 12, 4), datetime(2026, 11, 21, 17, 3, tzinfo=UTC)),
    )  # fmt: skip
    with transaction(engine) as session:
        chosen = session.exec(
            select(Task.id).where(Task.status == TaskStatus.OPEN).order_by(col(Task.id)).limit(3)
        ).all()
    for actor, index, name, value, at in plan:
        writer = engine.execution_options(coordinator_actor=actor, coordinator_now=at)
        with transaction(writer) as session:
            task = session.get(Task, chosen[index])
            assert task is not None
            old = getattr(task, name)
            setattr(task, name, value)
            shown = [getattr(v, "value", v) for v in (old, value)]
            session.add(
                TaskEvent(
                    task_id=task.id or 0, at=at, field=name,
                    old_value="" if shown[0] is None else str(shown[0]), new_value=str(shown[1]),
                )
            )  # fmt: skip
            task.updated_at = at
            task.version += 1


def create_sample_file(path: Path) -> None:
    """Write the sample network to a new file at ``path`` (which must not exist yet)."""
    engine = open_database(resolve_target(str(path)))
    try:
        write_sample(engine)
    except BaseException:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    engine.dispose()
