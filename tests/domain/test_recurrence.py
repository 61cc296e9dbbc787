"""Recurrence expands in local time: a weekly 18:00 meeting stays 18:00 in summer and winter."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from coordinator.meetings.recurrence import RecurrenceError, last_occurrence, occurrences_between

BERLIN = ZoneInfo("Europe/Berlin")


def test_weekly_meeting_keeps_local_time_across_daylight_saving_changes() -> None:
    first = datetime(2026, 3, 10, 18, 0, tzinfo=BERLIN).astimezone(UTC)  # winter time
    starts = occurrences_between(
        "FREQ=WEEKLY;COUNT=40",
        first,
        "Europe/Berlin",
        datetime(2026, 3, 1, tzinfo=UTC),
        datetime(2026, 12, 31, tzinfo=UTC),
    )
    assert len(starts) == 40
    assert {s.astimezone(BERLIN).strftime("%H:%M") for s in starts} == {"18:00"}
    assert {s.strftime("%H:%M") for s in starts} == {"17:00", "16:00"}  # UTC shifts, local does not
    assert starts[2].astimezone(BERLIN).utcoffset().total_seconds() == 3600  # 24 March: winter
    assert starts[3].astimezone(BERLIN).utcoffset().total_seconds() == 7200  # 31 March: summer
    assert starts[-1].astimezone(BERLIN).utcoffset().total_seconds() == 3600  # December: winter


def test_monthly_on_the_second_thursday() -> None:
    first = datetime(2025, 2, 13, 17, 30, tzinfo=BERLIN).astimezone(UTC)
    starts = occurrences_between(
        "FREQ=MONTHLY;BYDAY=2TH",
        first,
        "Europe/Berlin",
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 4, 1, tzinfo=UTC),
    )
    assert [s.astimezone(BERLIN).date().isoformat() for s in starts] == [
        "2026-01-08",
        "2026-02-12",
        "2026-03-12",
    ]


def test_last_occurrence_of_bounded_and_open_series() -> None:
    first = datetime(2026, 1, 6, 18, tzinfo=BERLIN).astimezone(UTC)
    last = last_occurrence("FREQ=WEEKLY;INTERVAL=2;COUNT=3", first, "Europe/Berlin")
    assert last is not None and last.astimezone(BERLIN) == datetime(2026, 2, 3, 18, tzinfo=BERLIN)
    assert last_occurrence("FREQ=WEEKLY", first, "Europe/Berlin") is None


@pytest.mark.parametrize(
    ("rule", "zone"), [("FREQ=SOMETIMES", "Europe/Berlin"), ("FREQ=WEEKLY", "Mars/Olympus")]
)
def test_bad_rules_and_zones_are_reported(rule: str, zone: str) -> None:
    with pytest.raises(RecurrenceError):
        occurrences_between(
            rule,
            datetime(2026, 1, 1, tzinfo=UTC),
            zone,
            datetime(2026, 1, 1, tzinfo=UTC),
            datetime(2026, 2, 1, tzinfo=UTC),
        )


def test_the_arithmetic_last_occurrence_equals_dateutils_walk() -> None:
    """last_occurrence takes a shortcut for simple COUNT rules; it must give exactly what
    walking the rule with dateutil gives, across time zones and daylight-saving changes."""
    import random
    from datetime import UTC, datetime, timedelta

    from coordinator.meetings.recurrence import _simple_last, parse_rule, zone

    rng = random.Random(7)
    rules = [
        "FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2", "FREQ=WEEKLY;INTERVAL=3;WKST=SU", "FREQ=DAILY",
        "FREQ=DAILY;INTERVAL=10", "FREQ=MONTHLY;BYDAY={n}{d}", "FREQ=MONTHLY;INTERVAL=2;BYDAY={n}{d}",
        "FREQ=WEEKLY;BYDAY={d}",
    ]  # fmt: skip
    codes = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    checked = 0
    for _ in range(600):
        tz = rng.choice(["Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC"])
        start = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(
            days=rng.randrange(0, 1500), hours=rng.randrange(0, 24), minutes=rng.choice([0, 30])
        )
        local = start.astimezone(zone(tz))
        nth = (local.day - 1) // 7 + 1
        template = rng.choice(rules)
        text = (
            template.format(
                n=rng.choice([str(nth), "-1"]) if nth < 5 else "-1", d=codes[local.weekday()]
            )
            + f";COUNT={rng.randrange(1, 90)}"
        )
        walked = None
        for walked in parse_rule(text, start, tz):  # noqa: B007
            pass
        expected = walked.astimezone(UTC) if walked is not None else None
        shortcut = _simple_last(text, start, tz)
        if shortcut is not None:
            checked += 1
            assert shortcut == expected, (text, start, tz)
        assert last_occurrence(text, start, tz) == expected, (text, start, tz)
    assert checked > 350  # the shortcut is taken for most of them
