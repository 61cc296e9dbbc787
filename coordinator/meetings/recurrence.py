"""Recurrence of meetings, expanded with python-dateutil in the meeting's local time.

A weekly 18:00 meeting in Europe/Berlin stays at 18:00 local in summer and in winter: the rule
runs over aware local datetimes (wall-clock arithmetic), and only the results are turned to UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import takewhile
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule, rrulestr

from coordinator.bounds import MAX_OCCURRENCES


class RecurrenceError(ValueError):
    """A recurrence rule or time zone that cannot be used."""


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RecurrenceError(f"unknown time zone {name!r}") from None


@lru_cache(maxsize=4096)
def parse_rule(text: str, dtstart_utc: datetime, tz_name: str) -> rrule:
    """The rule of a series, parsed once and kept (with the occurrences it has generated:
    a calendar view asks for the same series again and again)."""
    local_start = dtstart_utc.astimezone(zone(tz_name))
    try:
        rule = rrulestr(text, dtstart=local_start, cache=True)
    except (ValueError, TypeError) as exc:
        raise RecurrenceError(f"invalid recurrence rule {text!r}: {exc}") from None
    if not isinstance(rule, rrule):
        raise RecurrenceError(f"unsupported recurrence rule {text!r}")
    return rule


def window_rule(
    text: str, dtstart_utc: datetime, tz_name: str, start: datetime, last_utc: datetime | None
) -> rrule:
    """The series' rule, anchored close to ``start``: dateutil walks every occurrence from
    DTSTART, so a series that began years ago would cost thousands of steps per view.

    Moving DTSTART forward by whole periods (INTERVAL days, weeks, months or years, in local
    wall time) keeps the pattern exactly, as long as the day is not taken from DTSTART's day
    of the month (monthly and yearly rules need BYDAY or BYMONTHDAY). COUNT counts from the
    original start, so it becomes UNTIL at the series' known last occurrence.
    """
    base = parse_rule(text, dtstart_utc, tz_name)
    parts = dict(part.split("=", 1) for part in text.upper().split(";") if "=" in part)
    freq = parts.get("FREQ", "")
    if "BYSETPOS" in parts or freq not in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
        return base
    if freq in ("MONTHLY", "YEARLY") and not ({"BYDAY", "BYMONTHDAY"} & parts.keys()):
        return base
    if "COUNT" in parts and last_utc is None:
        return base
    interval = int(parts.get("INTERVAL", "1") or 1)
    local = dtstart_utc.astimezone(zone(tz_name))
    target = start.astimezone(zone(tz_name))
    if freq == "DAILY":
        periods, step = (
            (target.date() - local.date()).days // interval,
            relativedelta(days=interval),
        )
    elif freq == "WEEKLY":
        periods, step = (
            (target.date() - local.date()).days // (7 * interval),
            relativedelta(weeks=interval),
        )
    elif freq == "MONTHLY":
        periods = ((target.year - local.year) * 12 + target.month - local.month) // interval
        step = relativedelta(months=interval)
    else:
        periods, step = (target.year - local.year) // interval, relativedelta(years=interval)
    periods -= 1  # one period of margin before the window
    if periods <= 0:
        return base
    moved = (local.replace(tzinfo=None) + step * periods).replace(tzinfo=local.tzinfo)
    changes: dict[str, object] = {"dtstart": moved, "cache": False}
    if "COUNT" in parts:
        assert last_utc is not None
        changes.update(count=None, until=last_utc.astimezone(zone(tz_name)))
    return base.replace(**changes)


def occurrences_between(
    text: str,
    dtstart_utc: datetime,
    tz_name: str,
    start: datetime,
    end: datetime,
    *,
    last: datetime | None = None,
) -> list[datetime]:
    """Starts (aware, UTC) of the occurrences that begin in [start, end]. ``last``, the
    series' last start when known, lets a long series be expanded from near the window."""
    rule = window_rule(text, dtstart_utc, tz_name, start, last)
    return [occ.astimezone(UTC) for occ in rule.between(start, end, inc=True)]


def iter_occurrences(
    text: str,
    dtstart_utc: datetime,
    tz_name: str,
    start: datetime,
    end: datetime,
    *,
    last: datetime | None = None,
) -> Iterator[datetime]:
    """Starts (UTC) from ``start`` to ``end``, lazily, in order."""
    rule = window_rule(text, dtstart_utc, tz_name, start, last)
    for occ in takewhile(lambda o: o <= end, rule.xafter(start, inc=True)):
        yield occ.astimezone(UTC)


def last_occurrence(text: str, dtstart_utc: datetime, tz_name: str) -> datetime | None:
    """Start (UTC) of a bounded series' last occurrence; None when the rule never ends."""
    rule = parse_rule(text, dtstart_utc, tz_name)
    if rule._count is None and rule._until is None:  # dateutil keeps these private
        return None
    if rule._count is not None and rule._count > MAX_OCCURRENCES:
        raise RecurrenceError(too_many_occurrences())
    shortcut = _simple_last(text, dtstart_utc, tz_name)
    if shortcut is not None:
        return shortcut
    last = None
    for number, moment in enumerate(rule):  # bounded by COUNT or UNTIL, and by the limit
        if number >= MAX_OCCURRENCES:
            raise RecurrenceError(too_many_occurrences())
        last = moment
    return last.astimezone(UTC) if last is not None else None


def until_of(value: str) -> datetime | None:
    """A stored rule's UNTIL (UTC, or a date), for its span."""
    try:
        if len(value) == 8:
            return datetime.strptime(value, "%Y%m%d").replace(tzinfo=UTC)
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def too_many_occurrences() -> str:
    """The one message for a series past the limit, from a form or a calendar file."""
    from coordinator.i18n import _

    return _("The series has more than {n} occurrences.").format(n=f"{MAX_OCCURRENCES:,}")


_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _simple_last(text: str, dtstart_utc: datetime, tz_name: str) -> datetime | None:
    """The last start of a simple COUNT rule by arithmetic (a calendar import sets it for
    thousands of series; walking each with dateutil costs most of the import): every n days
    or weeks on DTSTART's weekday, or every n months on an n-th (or the last) weekday.
    None for anything else, which dateutil then walks. Checked against dateutil by
    tests/domain/test_recurrence.py."""
    parts = dict(part.split("=", 1) for part in text.upper().split(";") if "=" in part)
    if set(parts) - {"FREQ", "INTERVAL", "COUNT", "BYDAY", "WKST"} or "COUNT" not in parts:
        return None
    if not parts["COUNT"].isdigit() or not parts.get("INTERVAL", "1").isdigit():
        return None
    count, interval = int(parts["COUNT"]), int(parts.get("INTERVAL", "1"))
    if count < 1 or interval < 1:
        return None
    tz = zone(tz_name)
    local = dtstart_utc.astimezone(tz)
    byday = parts.get("BYDAY", "")
    steps = (count - 1) * interval
    if parts["FREQ"] in ("DAILY", "WEEKLY"):
        if byday and (parts["FREQ"] == "DAILY" or byday != _DAY_CODES[local.weekday()]):
            return None
        days = steps * (7 if parts["FREQ"] == "WEEKLY" else 1)
        try:
            day = local.date() + timedelta(days=days)
        except OverflowError:  # past the year 9999: dateutil walks it and stops there
            return None
    elif parts["FREQ"] == "MONTHLY" and byday[-2:] in _DAY_CODES:
        nth = byday[:-2]
        if nth not in ("1", "2", "3", "4", "-1", "+1", "+2", "+3", "+4"):
            return None
        weekday = _DAY_CODES.index(byday[-2:])
        month = local.year * 12 + local.month - 1
        if _nth_weekday(local.year, local.month, weekday, int(nth)) < local.date():
            month += interval  # this month's date has passed: the series starts a period later
        month += steps
        day = _nth_weekday(month // 12, month % 12 + 1, weekday, int(nth))
    else:
        return None
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tz).astimezone(UTC)


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    first = date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    if nth > 0:
        return first + timedelta(days=offset + 7 * (nth - 1))
    following = date(year + month // 12, month % 12 + 1, 1)
    back = (following.weekday() - weekday) % 7 or 7
    return following - timedelta(days=back)


def is_a_date_of(rule: str, dtstart_utc: datetime, tz_name: str, moment: datetime) -> bool:
    """Whether a series (its rule from its first start, in its zone) has a date at
    ``moment`` (to the minute); a rule that cannot be read has none."""
    if not rule:
        return False
    moment = moment.astimezone(UTC)
    window = (moment - timedelta(minutes=1), moment + timedelta(minutes=1))
    try:
        return moment in occurrences_between(rule, dtstart_utc, tz_name, *window)
    except RecurrenceError:
        return False
