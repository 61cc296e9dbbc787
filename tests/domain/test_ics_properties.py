"""Property-based (Hypothesis): calendars with random recurrence rules, dates at the edges of
the calendar, durations, SEQUENCE values and UID shapes are read and imported with no
exception but the project's own (IcsError per file, an explained event per event), and
none takes more than 2 s (issue 17)."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from coordinator.calendar import importing, parsing
from coordinator.calendar.contentlines import IcsError
from coordinator.calendar.import_undo import undo_last_import
from storage.engine import open_database
from storage.target import resolve_target
from tests.conftest import FROZEN_NOW

FREQS = ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY", "", "x"]
EDGE_YEARS = [1, 1899, 1900, 1970, 2026, 2200, 2201, 9999]
NUMBERS = st.one_of(
    st.integers(min_value=-3, max_value=20),
    st.sampled_from([0, 999, 1000, 1001, 9999, 10000, 10001, 10**9, 2**31, 10**23]),
    st.sampled_from(["1e9", "", "x", "-1", "+5", "0x10"]),
)


def usually(draw: st.DrawFn) -> bool:
    """Four times in five: most values are sound, so that the rest meets a real event."""
    return draw(st.integers(0, 4)) > 0


@st.composite
def stamps(draw: st.DrawFn) -> str:
    if usually(draw):
        year, month, day = (
            draw(st.integers(2020, 2030)),
            draw(st.integers(1, 12)),
            draw(st.integers(1, 28)),
        )
    else:
        year = draw(st.one_of(st.sampled_from(EDGE_YEARS), st.integers(1, 9999)))
        month, day = draw(st.integers(0, 13)), draw(st.integers(0, 32))
    if draw(st.integers(0, 3)) == 0:
        return f"{year:04d}{month:02d}{day:02d}"  # a DATE
    hour, minute = (
        (draw(st.integers(0, 23)), 0)
        if usually(draw)
        else (draw(st.integers(0, 25)), draw(st.integers(0, 61)))
    )
    zone = draw(st.sampled_from(["Z", ""]))
    return f"{year:04d}{month:02d}{day:02d}T{hour:02d}{minute:02d}00{zone}"


@st.composite
def rules(draw: st.DrawFn) -> str:
    parts = [f"FREQ={draw(st.sampled_from(FREQS[3:7] if usually(draw) else FREQS))}"]
    if draw(st.booleans()):
        parts.append(f"COUNT={draw(NUMBERS)}")
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(NUMBERS)}")
    if draw(st.booleans()):
        parts.append(f"UNTIL={draw(stamps())}")
    if draw(st.booleans()):
        hours = draw(st.lists(st.integers(-1, 25), min_size=1, max_size=4))
        parts.append("BYHOUR=" + ",".join(map(str, hours)))
    if draw(st.booleans()):
        parts.append(f"BYDAY={draw(st.sampled_from(['MO', '-1SU', '5FR', 'XX', '']))}")
    return ";".join(draw(st.permutations(parts)))


DURATIONS = st.sampled_from(
    ["PT1H", "P1D", "P366D", "P367D", "P999999999W", "P999999999999999999W", "-PT1H", "P", "PT"]
)
UIDS = st.sampled_from(
    ["s@x", "s@x#20270308T170000Z", "", " ", "a" * 300, "<script>@x", "s@x#", "ü@ß"]
)


@st.composite
def calendars(draw: st.DrawFn) -> bytes:
    events = []
    for _ in range(draw(st.integers(1, 3))):
        tzid = draw(
            st.sampled_from(["", "Europe/Berlin", "localtime", "/Europe/Stockholm", "Mars/Olympus"])
        )
        start = draw(stamps())
        prefix = (
            f"DTSTART;TZID={tzid}:"
            if tzid and "T" in start and not start.endswith("Z")
            else "DTSTART:"
        )
        uid = draw(st.sampled_from(["s@x", "t@x", "u@x"])) if usually(draw) else draw(UIDS)
        lines = ["BEGIN:VEVENT", f"UID:{uid}", prefix + start, "SUMMARY:Treffen"]
        if not usually(draw):
            lines.append(f"DTEND:{draw(stamps())}")
        elif not usually(draw):
            lines.append(f"DURATION:{draw(DURATIONS)}")
        elif draw(st.booleans()):
            lines.append("DURATION:PT2H")
        if draw(st.booleans()):
            lines.append(f"RRULE:{draw(rules())}")
        if draw(st.booleans()):
            lines.append(f"EXDATE:{draw(stamps())}")
        if draw(st.integers(0, 3)) == 0:
            lines.append(f"RECURRENCE-ID:{draw(stamps())}")
        if draw(st.booleans()):
            lines.append(f"SEQUENCE:{draw(NUMBERS)}")
        lines.append("END:VEVENT")
        events.append("\r\n".join(lines))
    method = draw(
        st.sampled_from(["", "METHOD:PUBLISH\r\n", "METHOD:CANCEL\r\n", "METHOD:REPLY\r\n"])
    )
    body = "\r\n".join(events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{method}{body}\r\nEND:VCALENDAR\r\n".encode()


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("property") / "network.db"
    engine = open_database(resolve_target(str(path)))
    yield engine
    engine.dispose()


@settings(
    max_examples=300,
    deadline=None,  # timed below, per example, against the 2 s bound
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=calendars())
# Found by this test: a daily series from 1900 to 1970 (25,000 dates) passed the reading and
# failed the writing; the dates of a series whose own event cancels it (not in the database)
# were written without it.
@example(
    raw=b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:s@x\r\nDTSTART:19000101\r\n"
    b"SUMMARY:Treffen\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;UNTIL=19700101\r\nEND:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)
@example(
    raw=b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:CANCEL\r\nBEGIN:VEVENT\r\nUID:u@x\r\n"
    b"DTSTART:20200101\r\nSUMMARY:Treffen\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY\r\n"
    b"END:VEVENT\r\nBEGIN:VEVENT\r\nUID:u@x\r\nDTSTART:20260414T000000Z\r\n"
    b"SUMMARY:Treffen\r\nDURATION:PT1H\r\nRECURRENCE-ID:20200108\r\nEND:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)
def test_random_calendars_give_only_the_projects_errors_and_never_hang(
    raw: bytes, network: Engine
) -> None:
    started = time.perf_counter()
    signal.signal(signal.SIGALRM, _hung)
    signal.alarm(10)  # a hang fails the example (and shows its calendar) instead of CI
    try:
        _read_and_import(raw, network)
    finally:
        signal.alarm(0)
    assert time.perf_counter() - started < 2


def _hung(signum: int, frame: object) -> None:
    raise AssertionError("no answer in 10 s")


def _read_and_import(raw: bytes, network: Engine) -> None:
    try:
        parsing.read_calendar(raw)
    except IcsError as error:
        assert str(error).startswith("Line ") and "\n" not in str(error)
    try:
        calendar = parsing.read_calendar(raw, lenient=True)
    except IcsError:
        calendar = None
    if calendar is not None:
        assert all(bad.reason and bad.line >= 1 for bad in calendar.bad)
    try:
        plan = importing.import_file(network, raw, "random.ics", now=FROZEN_NOW, skip_bad=True)
    except IcsError:
        plan = None  # broken as a whole: nothing written
    if plan is not None and plan.changes:
        undo_last_import(network)  # the next example starts from the empty network again
