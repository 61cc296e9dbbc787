"""Checks of the iCalendar format itself (icalendar's parser is lenient, so parsing alone
proves little): CRLF, 75-octet lines, DTSTAMP, a VTIMEZONE per TZID, calendar properties
before components, VTIMEZONEs as STANDARD/DAYLIGHT with yearly rules."""

from __future__ import annotations

import re

import icalendar


def unfolded(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def check_format(text: str) -> icalendar.Calendar:
    raw = text.encode()
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b""), "bare LF"
    for physical in raw.split(b"\r\n"):
        assert len(physical) <= 75, physical
        physical.decode()  # no UTF-8 character split across a fold
    lines = unfolded(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    first_component = next(i for i, line in enumerate(lines) if line.startswith("BEGIN:V") and i)
    head = lines[1:first_component]
    assert "VERSION:2.0" in head and any(line.startswith("PRODID:") for line in head)
    assert not any(line.startswith("BEGIN:") for line in head)
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar.get("UID") is None  # icalendar's Calendar.new() adds one: we must not
    for component in calendar.walk():
        if component.name in ("VEVENT", "VTODO"):
            assert component.get("DTSTAMP") is not None
            assert component.get("UID")
    used = set(re.findall(r";TZID=([^;:]+)", "\n".join(lines)))
    zones = {str(tz["TZID"]): tz for tz in calendar.walk("VTIMEZONE")}
    assert used <= set(zones), used - set(zones)
    for tz in zones.values():
        assert "RDATE" not in tz.to_ical().decode()
        blocks = {sub.name: sub for sub in tz.subcomponents}
        if "DAYLIGHT" in blocks:
            assert set(blocks) == {"STANDARD", "DAYLIGHT"}
            for block in blocks.values():
                assert block["RRULE"]["FREQ"] == ["YEARLY"]
    return calendar


def params_of(line: str) -> dict[str, str]:
    head = line.split(":", 1)[0] if '"' not in line else line[: line.index(":", line.rindex('"'))]
    found = {}
    for piece in re.findall(r';([A-Z-]+)=("[^"]*"|[^;:]*)', head):
        found[piece[0]] = piece[1]
    return found
