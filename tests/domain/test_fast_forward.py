"""Expanding a series from near the window gives exactly what expanding from its start gives."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from coordinator.meetings.recurrence import (
    last_occurrence,
    occurrences_between,
    parse_rule,
    window_rule,
)

RULES = (
    "FREQ=WEEKLY",
    "FREQ=WEEKLY;INTERVAL=2",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
    "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,TH",
    "FREQ=MONTHLY;BYDAY=2TH",
    "FREQ=MONTHLY;INTERVAL=3;BYDAY=1WE",
    "FREQ=MONTHLY;BYDAY=-1FR",
    "FREQ=MONTHLY;BYMONTHDAY=15",
    "FREQ=MONTHLY",  # from DTSTART's day: never moved
    "FREQ=DAILY;INTERVAL=10",
    "FREQ=YEARLY;BYMONTH=3;BYDAY=1SA",
)


def test_fast_forward_matches_the_full_expansion() -> None:
    rng = random.Random(2026)
    moved = 0
    for rule in RULES:
        for _ in range(12):
            tz = rng.choice(("Europe/Berlin", "America/New_York", "Asia/Kolkata"))
            start = datetime(2025, 1, 1, tzinfo=ZoneInfo(tz)) + timedelta(
                days=rng.randrange(400), hours=rng.choice((9, 18))
            )
            tail = rng.choice(("", f";COUNT={rng.randrange(5, 120)}", ";UNTIL=20290315T230000Z"))
            text = rule + tail
            dtstart = start.astimezone(UTC)
            window_start = datetime(2025, 6, 1, tzinfo=UTC) + timedelta(days=rng.randrange(5 * 365))
            window_end = window_start + timedelta(days=rng.choice((7, 42, 365)))
            last = last_occurrence(text, dtstart, tz)
            full = parse_rule(text, dtstart, tz)  # dateutil from the series' own start
            slow = [o.astimezone(UTC) for o in full.between(window_start, window_end, inc=True)]
            fast = occurrences_between(text, dtstart, tz, window_start, window_end, last=last)
            assert fast == slow, (text, tz, dtstart, window_start)
            moved += window_rule(text, dtstart, tz, window_start, last) is not full
    assert moved > 60  # most cases really took the short way
