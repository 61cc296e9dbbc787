"""Ten coordinators saving at once: no lost update, no "database is locked", throughput.

Each writer is a process of its own with its own engine, as a second coordinator's app would
be. All writers edit the same few tasks (by default 5: the hardest case; ``--tasks 500``
spreads them as coordinators working on different records would): a change reads a task's counter
(kept in its notes) and its version, then saves counter + 1 with that version through the
domain function (tasks.set_notes: optimistic concurrency, the task's history and the audit
trail in one transaction). A refused save (EditConflict) is read again and retried, as a
person would reload and redo. At the end the counters must add up to every change made.

    python -m bench.concurrent                      # SQLite file only
    python -m bench.concurrent --pg postgresql+psycopg://user@host:port/postgres
    (or set COORDINATOR_TEST_PG; the benchmark makes and drops a database of its own)
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Outcome:
    saved: int = 0
    retried: int = 0
    locked: int = 0
    other_errors: int = 0


def writer(
    url: str, name: str, changes: int, task_ids: list[int], seed: int, queue: object, go: object
) -> None:
    import random

    from sqlalchemy.exc import OperationalError

    from coordinator.minutes import tasks
    from coordinator.network.concurrency import EditConflict, version_of
    from storage.engine import make_engine, resolve_target
    from storage.models import Task

    engine = make_engine(resolve_target(url)).execution_options(coordinator_actor=name)
    version_of(engine, Task, task_ids[0])  # connected and warm: the clock starts after this
    pick = random.Random(seed)
    outcome = Outcome()
    queue.put("ready")  # type: ignore[attr-defined]
    go.wait()  # type: ignore[attr-defined]
    while outcome.saved < changes:
        task_id = pick.choice(task_ids)
        try:
            version = version_of(engine, Task, task_id)  # first the version, then the value
            count = int(tasks.notes_of(engine, task_id) or 0)
            tasks.set_notes(engine, task_id, str(count + 1), expected_version=version)
            outcome.saved += 1
        except EditConflict:
            outcome.retried += 1
        except OperationalError as exc:
            if "locked" in str(exc):
                outcome.locked += 1
            else:
                outcome.other_errors += 1
                raise
    engine.dispose()
    queue.put(outcome)  # type: ignore[attr-defined]


def run(url: str, label: str, writers: int, changes: int, shared: int) -> bool:
    from coordinator.minutes import tasks
    from storage.engine import open_database, resolve_target

    engine = open_database(resolve_target(url))
    task_ids = [tasks.create_task(engine, f"Gemeinsame Aufgabe {n + 1}") for n in range(shared)]
    engine.dispose()
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    go = context.Event()
    processes = [
        context.Process(
            target=writer, args=(url, f"Koordinator:in {n + 1}", changes, task_ids, n, queue, go)
        )
        for n in range(writers)
    ]
    for process in processes:
        process.start()
    for _process in processes:
        assert queue.get() == "ready"
    started = time.perf_counter()
    go.set()
    outcomes = [queue.get() for _process in processes]
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join()

    engine = open_database(resolve_target(url))
    total = sum(int(tasks.notes_of(engine, task_id) or 0) for task_id in task_ids)
    engine.dispose()
    saved = sum(o.saved for o in outcomes)
    retried = sum(o.retried for o in outcomes)
    locked = sum(o.locked for o in outcomes)
    lost = saved - total
    print(
        f"{label}: {writers} writers x {changes} changes on {shared} shared tasks in "
        f"{elapsed:.1f} s: {saved / elapsed:.0f} saved changes/s, "
        f"{retried} refused as stale and redone, {locked} 'database is locked', "
        f"lost updates: {lost} (counters add up to {total} of {saved})"
    )
    return lost == 0 and locked == 0 and saved == writers * changes


def postgres_database(admin_url: str) -> tuple[str, object]:
    from sqlalchemy import create_engine, make_url, text

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"coordinator_bench_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--changes", type=int, default=1000, help="per writer")
    parser.add_argument(
        "--tasks",
        type=int,
        default=5,
        help="how many tasks all writers share (fewer: more conflicts)",
    )
    parser.add_argument("--pg", default=os.environ.get("COORDINATOR_TEST_PG", ""))
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        ok &= run(
            str(Path(folder) / "bench.db"), "SQLite (WAL)", args.writers, args.changes, args.tasks
        )
    if args.pg:
        url, drop = postgres_database(args.pg)
        try:
            ok &= run(url, "PostgreSQL", args.writers, args.changes, args.tasks)
        finally:
            drop()  # type: ignore[operator]
    else:
        print("PostgreSQL: skipped (give --pg URL or set COORDINATOR_TEST_PG)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
