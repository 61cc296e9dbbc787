"""Opening the month view and the meeting list on a large calendar.

    .venv/bin/python -m bench.meetings [--runs 20]

Runs what the meeting screens run when they open: the month grid (six weeks of
occurrences, series expanded), the week, and the first page of the upcoming list (100
occurrences in the next 365 days) and of the past list, on the generated network with
10,000 meetings (a tenth of them recurring series) and 100,000 invitations
(bench/data/large.db). Prints the median and the 95th percentile. Target: under 100 ms at
the 95th percentile.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.generate import LARGE, ensure
from bench.measure import report, timed
from coordinator.context import Context
from coordinator.meetings.schedule import past_page, upcoming_page
from coordinator.meetings.weeks import by_day, month_grid, week_start
from storage.target import resolve_target

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    target = resolve_target(str(ensure(ROOT / "bench" / "data" / "large.db", **LARGE)))
    context = Context(target=target)  # the screens read through sqlite3 until SQLAlchemy is loaded
    rng = random.Random(7)
    days = [
        datetime(2025, 3, 1, tzinfo=UTC) + timedelta(days=rng.randrange(5 * 365))
        for _ in range(args.runs)
    ]

    def month(now: datetime) -> Callable[[], object]:
        weeks = month_grid(now.date())
        return lambda: by_day(context, weeks[0][0], weeks[-1][-1])

    def week(now: datetime) -> Callable[[], object]:
        monday = week_start(now.date())
        return lambda: by_day(context, monday, monday + timedelta(days=6))

    timed(month(days[0]))  # warm the file cache once
    report("month view", [timed(month(now)) for now in days], target_ms=100, unit="runs")
    report("week view", [timed(week(now)) for now in days], target_ms=100, unit="runs")
    report(
        "upcoming list, first page",
        [
            timed(lambda n=now: upcoming_page(context, n, days=365, offset=0, limit=100))
            for now in days
        ],
        target_ms=100,
        unit="runs",
    )
    report(
        "past list, first page",
        [timed(lambda n=now: past_page(context, n, offset=0, limit=100)) for now in days],
        target_ms=100,
        unit="runs",
    )


if __name__ == "__main__":
    main()
