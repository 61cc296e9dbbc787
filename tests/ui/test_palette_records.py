"""The command palette finds records and opens them (issue 18), by keys."""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from coordinator.app import CoordinatorApp
from coordinator.context import Context
from screens.meetings.meeting import MeetingScreen
from screens.register.details import OrganisationDetailScreen, PersonDetailScreen
from screens.tasks import TasksScreen
from tests.ui.helpers import screen_text, settle


async def _pick(pilot, words: str, starts: str) -> None:  # type: ignore[no-untyped-def]
    """ctrl+p, type ``words``, move down to the first hit that starts with ``starts``, Enter."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*words)
    for _ in range(50):
        await pilot.pause(0.1)
        hits = pilot.app.screen.query_one(CommandList)
        texts = [str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count)]
        texts = [t.split("\n")[0] for t in texts]
        if any(t.startswith(starts) for t in texts):
            break
    else:
        raise AssertionError(f"no hit {starts!r} for {words!r}: {texts}")
    index = next(i for i, t in enumerate(texts) if t.startswith(starts))
    for _ in range(index + (0 if hits.highlighted is not None else 1)):
        await pilot.press("down")
    await pilot.pause()
    assert hits.highlighted == index, texts
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.parametrize(
    ("words", "starts", "screen", "shows"),
    [
        ("celik", "Person: Zeynep Çelik", PersonDetailScreen, "Zeynep Çelik"),
        ("jobcenter arbeit", "Organisation: Jobcenter", OrganisationDetailScreen, "Jobcenter Arbeitplus"),
        ("Netzwerktreffen", "Meeting: Netzwerktreffen", MeetingScreen, "Tue 2026-12-01 18:00"),
    ],
)  # fmt: skip
async def test_the_palette_opens_a_found_person_organisation_or_meeting(
    sample_context: Context, words: str, starts: str, screen: type, shows: str
) -> None:
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _pick(pilot, words, starts)
        assert isinstance(app.screen, screen)
        assert shows in screen_text(app)


async def test_the_palette_shows_a_found_task_in_the_task_list(sample_context: Context) -> None:
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _pick(pilot, "Sprachmittler", "Task: Liste der Sprachmittler")
        assert isinstance(app.screen, TasksScreen)
        assert not isinstance(app.screen, CommandPalette)
        search = app.screen.query_one("#task-search", Input)
        assert search.value.startswith("Liste der Sprachmittler")
        await settle(pilot)
        assert "Liste der Sprachmittler" in screen_text(app)
