"""Our calendar file in a real calendar program: calcurse (Debian's package, installed by
.ci/run) imports the exported feed, and its own listing shows the meetings at their local
times across the change to summer time, a cancelled date not at all. (The series ends by
UNTIL here: calcurse 4.7 counts COUNT after removing EXDATEs, against RFC 5545.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from coordinator.meetings import meetings
from coordinator.meetings.meetings import MeetingInput
from coordinator.register import people
from coordinator.register.people import PersonInput

BERLIN = ZoneInfo("Europe/Berlin")
ROOT = Path(__file__).resolve().parents[2]


def calcurse() -> str:
    found = shutil.which("calcurse")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("calcurse is not installed (.ci/run installs it)")
        pytest.skip("calcurse is not installed here (apt-get install calcurse)")
    return found


def test_calcurse_imports_and_lists_our_meetings(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    program = calcurse()
    organiser = people.create_person(engine, PersonInput("Miriam", "Aksoy", "m@example.org"))
    series = meetings.create_meeting(
        engine,
        MeetingInput(
            title="Netzwerktreffen Süd", day="2027-03-16", start="18:00", end="20:00",
            repeat="weekly", until="2027-04-06", location="Bürgerhaus",
        ),
        organiser_id=organiser,
    )  # fmt: skip
    meetings.cancel_occurrence(engine, series, datetime(2027, 3, 23, 18, tzinfo=BERLIN))
    meetings.create_meeting(
        engine, MeetingInput(title="Sommerfest", day="2027-06-19", start="15:00", end="19:00")
    )
    engine.dispose()
    feed = tmp_path / "network.ics"
    subprocess.run(
        [sys.executable, "-m", "coordinator.cli", "export-ics", "--db", db_url, "-o", str(feed)],
        check=True, cwd=ROOT, capture_output=True,
    )  # fmt: skip
    data = tmp_path / "calcurse"
    data.mkdir()
    env = {**os.environ, "TZ": "Europe/Berlin", "HOME": str(tmp_path)}
    imported = subprocess.run(
        [program, "-D", str(data), "-i", str(feed)], env=env, capture_output=True, text=True
    )
    assert imported.returncode == 0, imported.stderr
    assert "0 skipped" in imported.stdout, imported.stdout

    def day(when: str) -> str:
        return subprocess.run(
            [program, "-D", str(data), "-d", when], env=env, capture_output=True, text=True,
            check=True,
        ).stdout  # fmt: skip

    first = day("03/16/2027")
    assert "18:00 -> 20:00" in first and "Netzwerktreffen Süd" in first
    assert "Netzwerktreffen" not in day("03/23/2027")  # EXDATE
    after_dst = day("03/30/2027")  # summer time began on 28 March: still 18:00 local
    assert "18:00 -> 20:00" in after_dst and "Netzwerktreffen Süd" in after_dst
    assert "Netzwerktreffen Süd" in day("04/06/2027")
    assert "Netzwerktreffen" not in day("04/13/2027")  # UNTIL: the series ended on 6 April
    assert "15:00 -> 19:00" in day("06/19/2027") and "Sommerfest" in day("06/19/2027")
