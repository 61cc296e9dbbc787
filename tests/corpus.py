"""The real-world calendars of two projects' test suites (icalendar 7.3.2, recurring-ical-events
3.8.2; their sdists are vendored unchanged, licences inside, in tests/fixtures/corpus), read by
icalendar and by the network's reader, file by file."""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import icalendar

from coordinator.calendar.contentlines import IcsError
from coordinator.calendar.parsing import read_calendar

SDISTS = sorted((Path(__file__).parent / "fixtures" / "corpus").glob("*.tar.gz"))


def calendars() -> Iterator[tuple[str, bytes]]:
    """(path in its sdist, content) of every .ics file of the vendored corpora."""
    for sdist in SDISTS:
        with tarfile.open(sdist) as archive:
            for member in archive.getmembers():
                if member.isfile() and member.name.endswith(".ics"):
                    found = archive.extractfile(member)
                    assert found is not None
                    yield member.name, found.read()


@dataclass
class Outcome:
    name: str
    theirs: int | None  # the VEVENTs icalendar reads; None: icalendar refuses the file
    imported: int = 0  # read by the network's reader
    explained: int = 0  # listed as bad events, each with its line and reason
    refused: str = ""  # the whole file refused: the message

    @property
    def accounted(self) -> bool:
        """Every event icalendar reads is imported or explained, the file not refused."""
        if not self.theirs:
            return True
        return not self.refused and self.imported + self.explained >= self.theirs


def _their_events(raw: bytes) -> int | None:
    try:
        calendars = icalendar.Calendar.from_ical(raw, multiple=True)
    except Exception:  # icalendar's own errors are of many kinds
        return None
    return sum(  # (a file of another top-level component holding events is no calendar)
        1
        for calendar in calendars
        if calendar.name == "VCALENDAR"
        for child in calendar.subcomponents
        if child.name == "VEVENT"
    )


def survey(name: str, raw: bytes) -> Outcome:
    outcome = Outcome(name, _their_events(raw))
    try:
        calendar = read_calendar(raw, lenient=True)
    except IcsError as error:
        outcome.refused = str(error)
        return outcome
    outcome.imported = len(calendar.events)
    outcome.explained = len(calendar.bad)
    return outcome
