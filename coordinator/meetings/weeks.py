"""The calendar-like overviews: a week and a month of occurrences, by local day."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from coordinator.meetings.schedule import Occurrence, RowSource, occurrences

HOME = ZoneInfo("Europe/Berlin")


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_grid(day: date) -> list[list[date]]:
    """The weeks (Monday to Sunday) that show the month of ``day``."""
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    weeks = []
    start = week_start(first)
    while start <= last:
        weeks.append([start + timedelta(days=i) for i in range(7)])
        start += timedelta(days=7)
    return weeks


def by_day(
    source: RowSource, first: date, last: date, tz: ZoneInfo = HOME
) -> dict[date, list[Occurrence]]:
    """Occurrences from ``first`` to ``last`` (inclusive), grouped by local day."""
    start = datetime.combine(first, time(0), tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tz) - timedelta(seconds=1)
    with source.rows() as rows:
        found = occurrences(rows, start, end)
    days: dict[date, list[Occurrence]] = defaultdict(list)
    for occ in found:
        days[occ.starts_at.astimezone(tz).date()].append(occ)
    return dict(days)
