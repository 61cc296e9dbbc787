"""The values of a calendar file's dates and times: DATE and DATE-TIME, with the zone each
was written in (IANA, Windows, a Mozilla path, or a zone the file defines itself), and
DURATION; each bounded (coordinator/bounds.py) and cached per file."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import NamedTuple
from zoneinfo import ZoneInfo

from coordinator.bounds import FIRST_YEAR, LAST_YEAR, MAX_EVENT_DAYS
from coordinator.calendar.contentlines import Component, IcsError, Prop
from coordinator.calendar.timezones import resolve_tzid, zone_like
from coordinator.i18n import _

_DATE_TIME = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)\Z")
DATE = re.compile(r"(\d{4})(\d{2})(\d{2})\Z")
_DURATION = re.compile(r"([+-]?)P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?\Z")


class Zones:
    """The zones a file names, resolved once each."""

    def __init__(self, default: str, announced: str = "") -> None:
        self.default = default
        # X-WR-TIMEZONE (Google): the zone its UTC times are meant in, as x-wr-timezone does
        self.announced = announced
        self.found: dict[str, tzinfo] = {}
        self.defined: dict[str, Component] = {}  # the file's own VTIMEZONEs, by TZID
        self.moments: dict[tuple[str, str, str], Moment] = {}

    def define(self, definition: Component) -> None:
        self.defined[definition.value("TZID").strip().strip('"')] = definition

    def get(self, item: Prop, tzid: str) -> tzinfo:
        zone = self.found.get(tzid)
        if zone is None:
            zone = resolve_tzid(tzid)
            if zone is None and tzid.strip().strip('"').lower() in ("localtime", "local"):
                zone = ZoneInfo(self.default)  # the sender's local time: the calendar's zone
            if zone is None:
                zone = _named_inside(tzid)  # custom_America/New_York
            if zone is None and tzid in self.defined:  # Outlook's "Customized Time Zone"
                zone = zone_like(self.defined[tzid]) or _own_zone(self.defined[tzid])
            if zone is None:
                raise UnknownZone(item.line, _("Unknown time zone “{tzid}”.").format(tzid=tzid))
            self.found[tzid] = zone
        return zone


class UnknownZone(IcsError):
    """A TZID that is neither a known zone nor defined in the file (so far)."""


def _named_inside(tzid: str) -> ZoneInfo | None:
    """The IANA zone a made-up TZID ends with ("custom_America/New_York")."""
    for found in re.finditer(r"(?<=[_ .:-])[A-Z][A-Za-z]+/[A-Za-z_/+-]+\Z", tzid):
        zone = resolve_tzid(found[0])
        if zone is not None:
            return zone
    return None


def _own_zone(definition: Component) -> tzinfo | None:
    """A zone of the file's own that matches no IANA zone, read by icalendar: its times are
    exact; the meeting keeps the offset it has then (see _key)."""
    import icalendar

    try:
        found = icalendar.Timezone.from_ical(definition.text()).to_tz(lookup_tzid=False)
    except Exception:  # icalendar's own errors are of many kinds: then the zone is unknown
        return None
    return found if isinstance(found, tzinfo) else None


def _key(moment: datetime) -> str:
    """For a time in a file's own zone (no IANA name): the fixed offset it had then
    (Etc/GMT-12 is UTC+12), or UTC."""
    offset = moment.utcoffset() or timedelta(0)
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest or not offset or abs(hours) > 12:
        return "UTC"
    return f"Etc/GMT{-hours:+d}"


class Moment(NamedTuple):
    """A DATE or DATE-TIME value: aware (UTC), with the zone it was written in."""

    value: datetime
    zone: str  # IANA key, "UTC", or "" for a date or floating time
    is_date: bool
    day: date | None = None


def moment(item: Prop, raw: str, zones: Zones) -> Moment:
    key = (raw, item.params.get("TZID", ""), item.params.get("VALUE", ""))
    found = zones.moments.get(key)  # DTSTAMP and the like repeat across a whole feed
    if found is None:
        found = zones.moments[key] = _read_moment(item, raw, zones)
    return found


def _read_moment(item: Prop, raw: str, zones: Zones) -> Moment:
    raw = raw.strip()
    try:
        if item.params.get("VALUE", "").upper() == "DATE" or DATE.match(raw):
            found = DATE.match(raw)
            if found is None:
                raise ValueError(raw)
            check_year(item, int(found[1]), raw)
            day = date(int(found[1]), int(found[2]), int(found[3]))
            local = datetime.combine(day, time(0), ZoneInfo(zones.default))
            return Moment(local.astimezone(UTC), "", True, day)
        found = _DATE_TIME.match(raw)
        if found is None:
            raise ValueError(raw)
        parts = list(map(int, found.groups()[:6]))
        check_year(item, parts[0], raw)
        if found[7]:
            return Moment(datetime(*parts, tzinfo=UTC), "UTC", False)  # type: ignore[misc]
        tzid = item.params.get("TZID")
        if tzid:
            zone = zones.get(item, tzid)
            local = datetime(*parts, tzinfo=zone)  # type: ignore[misc]
            return Moment(local.astimezone(UTC), getattr(zone, "key", "") or _key(local), False)
        floating = datetime(*parts, tzinfo=ZoneInfo(zones.default))  # type: ignore[misc]
        return Moment(floating.astimezone(UTC), "", False)
    except IcsError:
        raise  # an unknown time zone says so itself
    except ValueError:
        raise IcsError(
            item.line, _("“{value}” is not a valid date or time.").format(value=raw)
        ) from None


def check_year(item: Prop, year: int, raw: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise IcsError(
            item.line,
            _("“{value}”: dates from {first} to {last} are accepted.").format(
                value=raw, first=FIRST_YEAR, last=LAST_YEAR
            ),
        )


def too_long(line: int) -> IcsError:
    return IcsError(line, _("An event longer than {n} days.").format(n=MAX_EVENT_DAYS))


def duration(item: Prop) -> timedelta:
    found = _DURATION.match(item.value.strip())
    if found is None or item.value.strip() in ("P", "PT"):
        raise IcsError(item.line, _("“{value}” is not a valid duration.").format(value=item.value))
    weeks, days, hours, minutes, seconds = (int(v or 0) for v in found.groups()[1:])
    if weeks * 7 + days + (hours * 3600 + minutes * 60 + seconds) / 86_400 > MAX_EVENT_DAYS:
        raise too_long(item.line)  # (checked on the numbers: a timedelta would overflow)
    length = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    return -length if found[1] == "-" else length
