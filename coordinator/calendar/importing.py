"""Importing calendar files: a planned import applied in one transaction or nothing, and a
file imported as a whole (a large file is read, planned and written as it streams in).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select
from sqlmodel import Session, col

from coordinator.bulk import paused_gc
from coordinator.calendar import import_writer
from coordinator.calendar.import_plan import (
    CHANGING,
    NEW,
    ImportCancelled,
    ImportPlan,
    PlanRow,
    PlanState,
    checked,
    known_people,
    notes_of,
    plan_events,
    plan_row,
)
from coordinator.calendar.import_writer import Applier, Journal, dump_row
from coordinator.calendar.parsing import (
    BadEvent,
    CalendarFile,
    IncomingEvent,
    iter_events,
    read_calendar,
)
from coordinator.i18n import _
from coordinator.validation import ValidationError
from storage.models import (
    CalendarImport,
    CalendarImportChange,
    Meeting,
)
from storage.uow import transaction


def apply(
    engine: Engine,
    calendar: CalendarFile,
    file_name: str,
    *,
    expected: ImportPlan | None = None,
    now: datetime | None = None,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportPlan:
    """Import the file in one transaction. With ``expected`` (the preview the coordinator
    saw), nothing is written if the database has changed since and the plan differs."""
    now = now or datetime.now(UTC)
    with paused_gc(), transaction(engine) as session:  # (see paused_gc: 100,000s of rows)
        state = PlanState.load(session, calendar.events)
        plan = plan_events(state, calendar, file_name)
        if expected is not None and [r.action for r in expected.rows] != [
            r.action for r in plan.rows
        ]:
            raise ValidationError(
                {"file": _("The database changed since the preview. Look at the file again.")}
            )
        if plan.changes == 0:
            return plan
        journal = Journal(now)
        applier = Applier(state, journal, file_name)
        by_key = _events_by_key(calendar.events)
        work = [(by_key[(r.uid, r.line)], r) for r in plan.rows if r.action in CHANGING]
        ticks = 0

        def tick() -> None:
            nonlocal ticks
            ticks += 1
            if ticks % 200 == 0:
                if cancelled is not None and cancelled():
                    raise ImportCancelled
                if progress is not None:
                    progress(ticks, 2 * len(work))

        applier.run(work, tick)
        session.flush()
        _record(session, journal, plan, file_name)
    return plan


_STREAM_FROM = 1_000_000  # bytes: a smaller file is read whole, then imported


class BrokenEvents(Exception):
    """Some events of the file cannot be imported, and the coordinator did not say to import
    the others (--skip-bad): nothing was written."""

    def __init__(self, bad: list[BadEvent], good: int) -> None:
        super().__init__(f"{len(bad)} events cannot be imported")
        self.bad = bad
        self.good = good  # the events that could be


class _NotOnlyNew(Exception):
    """The file holds more than new events: it is imported the ordinary way instead."""


def import_file(
    engine: Engine,
    raw: bytes,
    file_name: str,
    *,
    now: datetime | None = None,
    cancelled: Callable[[], bool] | None = None,
    skip_bad: bool = False,
) -> ImportPlan:
    """Read a calendar file and import it at once, without a preview (the command line,
    cron). An event that cannot be imported stops the import (BrokenEvents, nothing
    written) unless ``skip_bad``: then the others are imported, in one transaction. A big file of events that are all new, the usual feed, is written while it is
    still being read (its rows go to the BulkWriter batch by batch, so SQLite works while
    Python reads on). At the first event that is not simply new (already in the database,
    twice in the file, a reply or cancellation, an occurrence before its series) that work
    is rolled back and the whole file imported by ``apply``: the result is the same."""
    now = now or datetime.now(UTC)
    if len(raw) < _STREAM_FROM:
        calendar = read_calendar(raw, lenient=True)
    else:
        calendar = CalendarFile([], {})
        events = iter_events(raw, calendar, lenient=True)
        seen: list[IncomingEvent] = []
        try:
            return _stream(engine, events, seen, calendar, file_name, now, cancelled, skip_bad)
        except _NotOnlyNew:
            pass
        with paused_gc():
            calendar.events = [*seen, *events]
    if calendar.bad and not skip_bad:
        raise BrokenEvents(calendar.bad, len(calendar.events))
    return apply(engine, calendar, file_name, now=now, cancelled=cancelled)


def _stream(
    engine: Engine,
    events: Iterator[IncomingEvent],
    seen: list[IncomingEvent],
    calendar: CalendarFile,
    file_name: str,
    now: datetime,
    cancelled: Callable[[], bool] | None,
    skip_bad: bool,
) -> ImportPlan:
    with paused_gc(), transaction(engine) as session:
        taken = set(
            session.execute(select(Meeting.uid).where(col(Meeting.series_id).is_(None))).scalars()
        )
        state = PlanState(session, people=known_people(session))
        journal = Journal(now)
        applier = Applier(state, journal, file_name)
        keys: set[tuple[str, datetime | None]] = set()
        series: set[str] = set()  # the UIDs of this file's recurring meetings
        rows: list[PlanRow] = []
        batch: list[IncomingEvent] = []

        ticks = 0

        def tick() -> None:
            nonlocal ticks
            ticks += 1
            if ticks % 200 == 0 and cancelled is not None and cancelled():
                raise ImportCancelled

        try:
            for event in events:  # from here on the session is the writer's (BulkWriter)
                seen.append(event)
                checked(state, (event,))
                key = (event.uid, event.recurrence_id)
                if (
                    event.method not in ("PUBLISH", "REQUEST")
                    or key in keys
                    or (event.recurrence_id is None and event.uid in taken)
                    or (event.recurrence_id is not None and event.uid not in series)
                ):
                    raise _NotOnlyNew
                keys.add(key)
                if event.recurrence_id is None and event.rrule:
                    series.add(event.uid)
                rows.append(plan_row(NEW, event))
                batch.append(event)
                if len(batch) == import_writer.MASTERS:
                    applier.new_events(batch, tick)
                    batch = []
            applier.new_events(batch, tick)
            applier.insert_invitations()
            journal.write_out()
            applier.writer.finish()
        finally:
            applier.writer.close()
        if calendar.bad and not skip_bad:
            raise BrokenEvents(calendar.bad, len(seen))  # (the transaction is rolled back)
        plan = ImportPlan(
            file_name, rows, dict(calendar.skipped), list(calendar.bad), list(calendar.passed_over)
        )
        plan.notes.extend(notes_of(seen))
        plan.people_added = len(journal.created.get("person", []))
        plan.people_affiliated = applier.affiliated
        if rows:
            _record(session, journal, plan, file_name)
    return plan


def _events_by_key(events: Iterable[IncomingEvent]) -> dict[tuple[str, int], IncomingEvent]:
    return {(e.uid, e.line): e for e in events}


def _record(session: Session, journal: Journal, plan: ImportPlan, file_name: str) -> None:
    record = CalendarImport(
        file_name=file_name, summary=json.dumps(plan.counts()), imported_at=journal.now
    )
    session.add(record)
    session.flush()
    rows = [
        {
            "import_id": record.id,
            "table_name": table,
            "row_key": "created",
            "before": "",
            "after": journal.created_json.get(table) or json.dumps(keys),
        }
        for table, keys in journal.created.items()
    ]
    for table, key, before, row in journal.changed:
        rows.append(
            {
                "import_id": record.id,
                "table_name": table,
                "row_key": key,
                "before": before,
                "after": dump_row(row) if row in session else "",
            }
        )
    if rows:
        session.execute(insert(CalendarImportChange), rows)


# --- undo ----------------------------------------------------------------------------------
