"""Issue 18, "Trust every time": a meeting at 18:00 Europe/Berlin reads 18:00 on every screen
and in every document, in winter (UTC+1) and in summer (UTC+2). The times were shown in UTC
(17:00 and 16:00) on detail screens; a check over all of them keeps any from slipping back."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from coordinator.app import CoordinatorApp
from coordinator.calendar import itip
from coordinator.context import Context
from coordinator.meetings import agenda, agenda_files, invitations, meetings
from coordinator.meetings.meetings import MeetingInput
from coordinator.register import gdpr, organisations, people
from coordinator.register.organisations import OrganisationInput
from coordinator.register.people import PersonInput
from tests.ui.helpers import screen_text, settle

SEASONS = [  # (the day, "now" ten days before it, the UTC hour of 18:00 Berlin)
    pytest.param("2027-01-20", datetime(2027, 1, 10, 9, tzinfo=UTC), 17, id="winter"),
    pytest.param("2027-07-14", datetime(2027, 7, 4, 9, tzinfo=UTC), 16, id="summer"),
]


def _a_meeting_at_six(engine: Engine, day: str) -> tuple[int, int]:
    org = organisations.create_organisation(
        engine, OrganisationInput(name="Verein Brücke"), today=datetime.fromisoformat(day).date()
    )
    ada = people.create_person(
        engine,
        PersonInput(
            "Ada", "Arslan", "ada@example.org", affiliations=[(org, "")],
            consent_on="01.01.2026", consent_purpose="Einladungen",
        ),
    )  # fmt: skip
    meeting = meetings.create_meeting(
        engine,
        MeetingInput(
            title="Netzwerktreffen", day=day, start="18:00", end="20:00",
            timezone="Europe/Berlin", location="Saal 2", organiser="ada@example.org",
        ),
    )  # fmt: skip
    invitations.invite_people(engine, meeting, [ada])
    agenda.add_item(engine, meeting, "Sommerfest", minutes=30)
    return meeting, ada


def _only_six(text: str, utc_hour: int, where: str) -> None:
    assert "18:00" in text, f"{where}: no 18:00 in\n{text}"
    wrong = re.findall(rf"\b{utc_hour}:00\b", text)
    assert not wrong, f"{where}: the UTC time {utc_hour}:00 in\n{text}"


@pytest.mark.parametrize(("day", "now", "utc_hour"), SEASONS)
async def test_eighteen_hundred_in_berlin_reads_eighteen_hundred_everywhere(
    engine: Engine, day: str, now: datetime, utc_hour: int
) -> None:
    meeting, ada = _a_meeting_at_six(engine, day)
    context = Context(engine=engine, label="test", clock=lambda: now)
    app = CoordinatorApp(context)
    async with app.run_test(size=(120, 40)) as pilot:

        async def press(*keys: str) -> str:
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            await pilot.pause(0.2)
            await settle(pilot)
            return screen_text(app)

        _only_six(await press(), utc_hour, "dashboard")
        _only_six(await press("m"), utc_hour, "meeting list")
        _only_six(await press("enter"), utc_hour, "meeting")
        _only_six(await press("r"), utc_hour, "minutes")
        await press("escape", "escape", "n", "p")
        await pilot.press("slash", *"Ada")
        _only_six(await press("enter", "enter"), utc_hour, "person detail")
        await press("escape", "o")
        await pilot.press("slash", *"Brücke")
        _only_six(await press("enter", "enter"), utc_hour, "organisation detail")
        await press("escape", "escape")
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Netzwerktreffen")
        await pilot.pause(0.5)
        _only_six(await press(), utc_hour, "command palette")
    for fmt in ("txt", "md", "html"):
        _only_six(agenda_files.render(engine, meeting, fmt, "de"), utc_hour, f"agenda {fmt}")
    _only_six(agenda_files.invitation_text(engine, meeting, ada), utc_hour, "invitation text")
    calendar = itip.invitation(engine, meeting, "de", now)
    assert "DTSTART;TZID=Europe/Berlin:" in calendar and "T180000" in calendar
    _only_six(gdpr.export_text(engine, ada), utc_hour, "GDPR export")
