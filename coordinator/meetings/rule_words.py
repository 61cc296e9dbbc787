"""A series' recurrence rule in words, in the user's language: "every 2 weeks on Tuesday,
until 30.06.2027" instead of ``FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20270630T215959Z``.

The rules the meeting form writes and the ones partners' calendars commonly send (daily,
weekly on some days, monthly on a day or on the nth weekday, yearly) are said in words; a
rule with parts beyond those (BYHOUR, BYWEEKNO, ...) is shown as written.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from coordinator.i18n import N_, _, current_language, ngettext
from coordinator.labels import format_date

_DAYS = {
    "MO": N_("Monday"), "TU": N_("Tuesday"), "WE": N_("Wednesday"), "TH": N_("Thursday"),
    "FR": N_("Friday"), "SA": N_("Saturday"), "SU": N_("Sunday"),
}  # fmt: skip
_CODES = list(_DAYS)
_ORDINALS = {1: N_("first"), 2: N_("second"), 3: N_("third"), 4: N_("fourth"), 5: N_("fifth")}
_BYDAY = re.compile(r"([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)\Z")
_KNOWN = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYSETPOS", "COUNT", "UNTIL", "WKST"}


def describe_rule(rule: str, starts_at: datetime, timezone: str) -> str:
    """The rule in words; the rule as written when it has parts this does not say."""
    parts = dict(part.partition("=")[::2] for part in rule.upper().split(";") if part)
    if not set(parts) <= _KNOWN:
        return rule
    try:
        local = starts_at.astimezone(ZoneInfo(timezone))
        words = _period(parts, local)
    except (ValueError, KeyError):
        return rule
    if words is None:
        return rule
    if parts.get("COUNT", "").isdigit():
        count = int(parts["COUNT"])
        words += ", " + ngettext("once", "{n} times", count).format(n=count)
    elif "UNTIL" in parts:
        until = _until(parts["UNTIL"], timezone)
        words += ", " + _("until {date}").format(date=format_date(until.date()))
    return words


def _period(parts: dict[str, str], local: datetime) -> str | None:
    interval = int(parts.get("INTERVAL") or 1)
    days = [_BYDAY.match(day) for day in parts.get("BYDAY", "").split(",") if day]
    if None in days:
        return None
    frequency = parts.get("FREQ")
    if frequency == "DAILY" and not days:
        return ngettext("every day", "every {n} days", interval).format(n=interval)
    if frequency == "WEEKLY":
        if any(day[1] for day in days):  # type: ignore[index]
            return None
        names = [_(_DAYS[day[2]]) for day in days] or [_(_DAYS[_CODES[local.weekday()]])]  # type: ignore[index]
        return ngettext("every week on {days}", "every {n} weeks on {days}", interval).format(
            n=interval, days=_joined(names)
        )
    if frequency == "MONTHLY":
        return _monthly(parts, days, interval, local)  # type: ignore[arg-type]
    if frequency == "YEARLY" and not days and "BYMONTHDAY" not in parts:
        day = f"{local:%d.%m.}" if current_language() == "de" else f"{local:%m-%d}"
        return ngettext("every year on {day}", "every {n} years on {day}", interval).format(
            n=interval, day=day
        )
    return None


def _monthly(
    parts: dict[str, str], days: list[re.Match[str]], interval: int, local: datetime
) -> str | None:
    if "BYMONTHDAY" in parts:
        if days or not parts["BYMONTHDAY"].isdigit():
            return None
        return ngettext(
            "every month on day {day}", "every {n} months on day {day}", interval
        ).format(n=interval, day=int(parts["BYMONTHDAY"]))
    if not days:
        return ngettext(
            "every month on day {day}", "every {n} months on day {day}", interval
        ).format(n=interval, day=local.day)
    if len(days) != 1:
        return None
    number = int(days[0][1] or parts.get("BYSETPOS") or 0)
    if number == -1:
        which = _("last")
    elif number in _ORDINALS:
        which = _(_ORDINALS[number])
    else:
        return None
    return ngettext(
        "every month on the {which} {day}", "every {n} months on the {which} {day}", interval
    ).format(n=interval, which=which, day=_(_DAYS[days[0][2]]))


def _joined(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return _("{first} and {last}").format(first=", ".join(names[:-1]), last=names[-1])


def _until(value: str, timezone: str) -> datetime:
    """The last day of the series: an UNTIL at midnight (the end of a day, as many programs
    write it) is the day before."""
    if "T" not in value:
        return datetime.strptime(value, "%Y%m%d")
    moment = datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    local = moment.astimezone(ZoneInfo(timezone))
    return local - timedelta(days=1) if local.time() == time(0) else local
