"""Recurrence of meetings, expanded with python-dateutil in the meeting's local time.

A weekly 18:00 meeting in Europe/Berlin stays at 18:00 local in summer and in winter: the rule
runs over aware local datetimes (wall-clock arithmetic), and only the results are turned to UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from itertools import takewhile
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rrulestr


class RecurrenceError(ValueError):
    """A recurrence rule or time zone that cannot be used."""


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RecurrenceError(f"unknown time zone {name!r}") from None


def parse_rule(text: str, dtstart_utc: datetime, tz_name: str) -> rrule:
    """The rule of a series, parsed once and kept (with the occurrences it has generated:
    a calendar view asks for the same series again and again)."""
    return _parse_rule(text, dtstart_utc, tz_name)


@lru_cache(maxsize=4096)
def _parse_rule(text: str, dtstart_utc: datetime, tz_name: str) -> rrule:
    local_start = dtstart_utc.astimezone(zone(tz_name))
    try:
        rule = rrulestr(text, dtstart=local_start, cache=True)
    except (ValueError, TypeError) as exc:
        raise RecurrenceError(f"invalid recurrence rule {text!r}: {exc}") from None
    if not isinstance(rule, rrule):
        raise RecurrenceError(f"unsupported recurrence rule {text!r}")
    return rule


def occurrences_between(
    text: str, dtstart_utc: datetime, tz_name: str, start: datetime, end: datetime
) -> list[datetime]:
    """Starts (aware, UTC) of the occurrences that begin in [start, end]."""
    rule = parse_rule(text, dtstart_utc, tz_name)
    return [occ.astimezone(UTC) for occ in rule.between(start, end, inc=True)]


def iter_occurrences(
    text: str, dtstart_utc: datetime, tz_name: str, start: datetime, end: datetime
) -> Iterator[datetime]:
    """Starts (UTC) from ``start`` to ``end``, lazily, in order."""
    rule = parse_rule(text, dtstart_utc, tz_name)
    for occ in takewhile(lambda o: o <= end, rule.xafter(start, inc=True)):
        yield occ.astimezone(UTC)


def last_occurrence(text: str, dtstart_utc: datetime, tz_name: str) -> datetime | None:
    """Start (UTC) of a bounded series' last occurrence; None when the rule never ends."""
    rule = parse_rule(text, dtstart_utc, tz_name)
    if rule._count is None and rule._until is None:  # dateutil keeps these private
        return None
    last = None
    for last in rule:  # noqa: B007  (bounded by COUNT or UNTIL)
        pass
    return last.astimezone(UTC) if last is not None else None
