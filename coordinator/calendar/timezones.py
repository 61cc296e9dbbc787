"""Time zones in calendar files: VTIMEZONE blocks to write, TZIDs to read.

A VTIMEZONE is written the way Google Calendar and Outlook write it: one STANDARD and one
DAYLIGHT block, each with a yearly RRULE (icalendar's ``add_missing_timezones`` writes RDATE
lists instead, which Outlook does not read). A TZID that is read may be an IANA name, a
Windows name ("W. Europe Standard Time", as Outlook writes) or an old Mozilla path.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coordinator.calendar.contentlines import Component
from coordinator.calendar.writing import prop

_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Onset:
    """A yearly change of offset: on the ``nth`` weekday of ``month`` at local ``clock``."""

    month: int
    weekday: int
    nth: int  # 1..4, or -1 for the last
    clock: tuple[int, int]
    offset_from: timedelta
    offset_to: timedelta
    name: str

    def in_year(self, year: int) -> datetime:
        """The local wall time (in the old offset) of the change in ``year``."""
        days = calendar.monthrange(year, self.month)[1]
        candidates = [
            d for d in range(1, days + 1) if calendar.weekday(year, self.month, d) == self.weekday
        ]
        day = candidates[-1] if self.nth == -1 else candidates[self.nth - 1]
        return datetime(year, self.month, day, *self.clock)


def _changes(tz: ZoneInfo, year: int) -> list[datetime]:
    """The UTC instants in ``year`` when the zone's offset changes."""
    found = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    offset = moment.astimezone(tz).utcoffset()
    while moment < end:
        following = moment + timedelta(days=1)
        if following.astimezone(tz).utcoffset() != offset:
            low, high = moment, following  # the change lies in (low, high]: bisect to the minute
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(tz).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            change = high.replace(second=0, microsecond=0)
            found.append(change)
            offset = following.astimezone(tz).utcoffset()
        moment = following
    return found


def _onset(tz: ZoneInfo, change: datetime) -> Onset:
    before = (change - timedelta(minutes=1)).astimezone(tz).utcoffset() or timedelta(0)
    after = change.astimezone(tz).utcoffset() or timedelta(0)
    local = (change + before).replace(tzinfo=None)
    days = calendar.monthrange(local.year, local.month)[1]
    nth = -1 if local.day + 7 > days else (local.day - 1) // 7 + 1
    return Onset(
        month=local.month,
        weekday=local.weekday(),
        nth=nth,
        clock=(local.hour, local.minute),
        offset_from=before,
        offset_to=after,
        name=change.astimezone(tz).tzname() or "",
    )


@lru_cache(maxsize=64)
def onsets(tzid: str, year: int) -> tuple[Onset, ...]:
    """The yearly changes of a zone as they are in ``year`` (empty without daylight saving)."""
    tz = ZoneInfo(tzid)
    return tuple(_onset(tz, change) for change in _changes(tz, year))


def _offset(value: timedelta) -> str:
    minutes = int(value.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


@lru_cache(maxsize=64)
def vtimezone(tzid: str, year: int) -> str:
    """The VTIMEZONE block of a zone (CRLF lines), with the rules in force in ``year``."""
    tz = ZoneInfo(tzid)
    lines = ["BEGIN:VTIMEZONE", prop("TZID", tzid), prop("X-LIC-LOCATION", tzid)]
    changes = onsets(tzid, year)
    if len(changes) == 2:
        for onset in sorted(changes, key=lambda o: o.offset_to < o.offset_from):
            block = "DAYLIGHT" if onset.offset_to > onset.offset_from else "STANDARD"
            first = onset.in_year(1970)
            nth = "-1" if onset.nth == -1 else str(onset.nth)
            lines += [
                f"BEGIN:{block}",
                f"TZOFFSETFROM:{_offset(onset.offset_from)}",
                f"TZOFFSETTO:{_offset(onset.offset_to)}",
                prop("TZNAME", onset.name),
                f"DTSTART:{first:%Y%m%dT%H%M%S}",
                f"RRULE:FREQ=YEARLY;BYMONTH={onset.month};BYDAY={nth}{_CODES[onset.weekday]}",
                f"END:{block}",
            ]
    else:
        moment = datetime(year, 7, 1, tzinfo=UTC).astimezone(tz)
        offset = _offset(moment.utcoffset() or timedelta(0))
        lines += [
            "BEGIN:STANDARD",
            f"TZOFFSETFROM:{offset}",
            f"TZOFFSETTO:{offset}",
            prop("TZNAME", moment.tzname() or tzid),
            "DTSTART:19700101T000000",
            "END:STANDARD",
        ]
    lines.append("END:VTIMEZONE")
    return "\r\n".join(lines) + "\r\n"


@lru_cache(maxsize=256)
def resolve_tzid(tzid: str) -> ZoneInfo | None:
    """The zone a TZID names: IANA, Windows (Outlook) or a Mozilla path; None if unknown."""
    name = tzid.strip().strip('"')
    if not name:
        return None
    if name.lower() in ("localtime", "local"):
        return None  # the machine's own zone: different on every machine (the reader decides)
    candidates = [name]
    if "/" in name and name.startswith("/"):
        parts = name.strip("/").split(
            "/"
        )  # /Europe/Stockholm, /mozilla.org/20050126_1/Europe/Berlin
        candidates += ["/".join(parts[i:]) for i in range(len(parts))]
    for candidate in candidates:
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    windows = WINDOWS_TO_OLSON.get(name)
    return ZoneInfo(windows) if windows else None


# Zones to try first when a file defines its own zone under a name of its own (Outlook writes
# "Customized Time Zone"): those of the network's partners, then every IANA zone.
_LIKELY = (
    "Europe/Berlin", "Europe/London", "Europe/Istanbul", "Europe/Athens", "Europe/Kyiv",
    "Europe/Moscow", "Europe/Lisbon", "Africa/Lagos", "Asia/Dubai", "Asia/Tehran",
    "America/New_York", "UTC",
)  # fmt: skip
_DAYS = {code: number for number, code in enumerate(_CODES)}


def _rule_of(block: Component) -> tuple[int, int, int, timedelta] | None:
    """(month, weekday, nth, offset after) of a STANDARD or DAYLIGHT block with a yearly rule."""
    rule = dict(
        part.split("=", 1) for part in block.value("RRULE").upper().split(";") if "=" in part
    )
    byday = rule.get("BYDAY", "")
    if rule.get("FREQ") != "YEARLY" or not rule.get("BYMONTH", "").isdigit() or len(byday) < 3:
        return None
    nth, code = byday[:-2] or "1", byday[-2:]
    if code not in _DAYS or not nth.lstrip("+-").isdigit():
        return None
    return int(rule["BYMONTH"]), _DAYS[code], int(nth), _parse_offset(block.value("TZOFFSETTO"))


def _parse_offset(text: str) -> timedelta:
    text = text.strip()
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    return sign * timedelta(hours=int(digits[:2] or 0), minutes=int(digits[2:4] or 0))


def _signature(tzid: str, year: int) -> tuple[object, ...]:
    changes = onsets(tzid, year)
    if not changes:
        moment = datetime(year, 1, 15, tzinfo=UTC).astimezone(ZoneInfo(tzid))
        return (moment.utcoffset(),)
    return tuple(sorted((o.month, o.weekday, o.nth, o.offset_to) for o in changes))


def zone_like(definition: Component) -> ZoneInfo | None:
    """The IANA zone with the rules a file's own VTIMEZONE describes (offsets and yearly
    changes), or None when no zone has them."""
    blocks = [c for c in definition.children if c.name in ("STANDARD", "DAYLIGHT")]
    try:
        if len(blocks) == 1 and not blocks[0].value("RRULE"):
            wanted: tuple[object, ...] = (_parse_offset(blocks[0].value("TZOFFSETTO")),)
        else:
            rules = [_rule_of(b) for b in blocks]
            if len(rules) != 2 or None in rules:
                return None
            wanted = tuple(sorted(rules))  # type: ignore[type-var]
    except ValueError:
        return None
    year = datetime.now(UTC).year
    from zoneinfo import available_timezones

    for tzid in (*_LIKELY, *sorted(available_timezones())):
        try:
            if _signature(tzid, year) == wanted:
                return ZoneInfo(tzid)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return None
