"""The task board and the filtered task list on 100,000 tasks.

    .venv/bin/python -m bench.tasks [--rounds 5]

Runs what the task screens run when they open or a filter changes: the board (a count and
the 30 most urgent tasks per status) and the list's first page of 100 with its count, on the
generated network (bench/data/large.db: 100,000 tasks, 50,000 people, 15,000 organisations,
10,000 meetings). Target: under 100 ms at the 95th percentile.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from bench.generate import LARGE, ensure
from bench.measure import report, timed
from coordinator.minutes import tasks
from coordinator.minutes.tasks import TaskFilter
from storage.engine import open_database, resolve_target
from storage.enums import TaskStatus

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2027, 6, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    engine = open_database(
        resolve_target(str(ensure(ROOT / "bench" / "data" / "large.db", **LARGE)))
    )
    filters = [
        TaskFilter(),
        TaskFilter(due="overdue"),
        TaskFilter(due="week"),
        TaskFilter(owner_person_id=4242),
        TaskFilter(owner_organisation_id=777),
        TaskFilter(meeting_id=1234),
        TaskFilter(states=(TaskStatus.DONE,)),
        TaskFilter(text="flyer"),
        TaskFilter(due="overdue", owner_person_id=4242),
    ]
    tasks.board(engine, today=TODAY)  # warm the file cache once
    boards, lists = [], []
    for _round in range(args.rounds):
        for flt in filters:
            boards.append(timed(lambda f=flt: tasks.board(engine, f, today=TODAY)))
            lists.append(
                timed(
                    lambda f=flt: (
                        tasks.task_page(engine, f, offset=0, limit=100, today=TODAY),
                        tasks.count_tasks(engine, f, today=TODAY),
                    )
                )
            )
    report("task board, open or filter change", boards, target_ms=100)
    report("task list, first page and count", lists, target_ms=100)
    engine.dispose()


if __name__ == "__main__":
    main()
