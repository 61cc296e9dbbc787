"""Content lines and time zones: folding, escaping, quoting, and VTIMEZONE rules that give
the same offsets as the IANA database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr

from coordinator.calendar.contentlines import IcsError, parse, unescape
from coordinator.calendar.timezones import onsets, resolve_tzid, vtimezone
from coordinator.calendar.writing import fold, param, prop, text


@pytest.mark.parametrize(
    "line",
    [
        "A" * 200,
        "SUMMARY:" + "ü" * 90,
        "DESCRIPTION:" + "\\," * 80,
        "X:" + "😀ab" * 40,
        "SHORT:value",
    ],
)
def test_fold_keeps_octets_characters_and_escapes(line: str) -> None:
    folded = fold(line)
    pieces = folded.encode().split(b"\r\n")
    assert all(len(piece) <= 75 for piece in pieces)
    assert all(piece.startswith(b" ") for piece in pieces[1:])
    assert folded.replace("\r\n ", "") == line
    for piece in folded.split("\r\n"):
        body = piece.lstrip(" ")
        trailing = len(body) - len(body.rstrip("\\"))
        assert trailing % 2 == 0  # never a lone backslash at a line end


def test_text_and_parameters_round_trip() -> None:
    value = 'Müller, Hans; "Jo"\\ \nzweite Zeile'
    assert unescape(text(value)) == value
    line = prop(
        "ATTENDEE", "mailto:h@example.org", [("CN", 'Müller, Hans "Jo"'), ("ROLE", "CHAIR")]
    )
    assert line.startswith("ATTENDEE;CN=\"Müller, Hans ^'Jo^'\";ROLE=CHAIR:")
    parsed = parse(f"BEGIN:VCALENDAR\r\n{line}\r\nEND:VCALENDAR\r\n")[0].props[0]
    assert parsed.params == {"CN": 'Müller, Hans "Jo"', "ROLE": "CHAIR"}
    assert parsed.value == "mailto:h@example.org"
    assert param("plain") == "plain"


def test_parse_reports_lines() -> None:
    with pytest.raises(IcsError) as error:
        parse("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nnot a line\r\nEND:VEVENT\r\n")
    assert error.value.line == 4
    with pytest.raises(IcsError) as error:
        parse("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VTODO\r\n")
    assert error.value.line == 3
    with pytest.raises(IcsError) as error:
        parse("BEGIN:VCALENDAR\r\nX;BAD:1\r\n")
    assert error.value.line == 2


@pytest.mark.parametrize(
    "tzid",
    ["Europe/Berlin", "Europe/London", "America/New_York", "Australia/Sydney", "Europe/Istanbul"],
)
def test_vtimezone_gives_the_offsets_of_the_iana_database(tzid: str) -> None:
    block = vtimezone(tzid, 2026)
    zone = icalendar.Calendar.from_ical(
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n{block}END:VCALENDAR\r\n"
    ).walk("VTIMEZONE")[0]
    assert "RDATE" not in block
    changes = []
    for sub in zone.subcomponents:
        start = sub["DTSTART"].dt
        offset_from = sub["TZOFFSETFROM"].td
        if "RRULE" in sub:
            rule = rrulestr(sub["RRULE"].to_ical().decode(), dtstart=start)
            for local in rule.between(datetime(2025, 1, 1), datetime(2031, 1, 1)):
                changes.append((local - offset_from).replace(tzinfo=UTC))
    real = ZoneInfo(tzid)
    expected = []
    moment = datetime(2025, 1, 1, tzinfo=UTC)
    while moment < datetime(2031, 1, 1, tzinfo=UTC):
        if (moment + timedelta(hours=1)).astimezone(real).utcoffset() != moment.astimezone(
            real
        ).utcoffset():
            expected.append(moment + timedelta(hours=1))
        moment += timedelta(hours=1)
    assert sorted(changes) == expected
    assert len(onsets(tzid, 2026)) == (0 if tzid == "Europe/Istanbul" else 2)


def test_tzids_from_other_programs() -> None:
    assert resolve_tzid("W. Europe Standard Time") == ZoneInfo("Europe/Berlin")
    assert resolve_tzid('"Europe/Berlin"') == ZoneInfo("Europe/Berlin")
    assert resolve_tzid("/mozilla.org/20050126_1/Europe/Berlin") == ZoneInfo("Europe/Berlin")
    assert resolve_tzid("Mars/Olympus") is None
