"""Every section, tab, detail view and dialog on a network whose every text field holds one
of the hostile strings (tests/hostile.py): the text is shown literally, nothing crashes, and
no markup runs an action (a title ``[@click=app.quit]`` clicked does not quit)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from textual.pilot import Pilot

from coordinator.app import CoordinatorApp
from coordinator.context import Context
from screens.meetings.meeting import MeetingScreen
from screens.minutes import MinutesScreen
from screens.register.details import OrganisationDetailScreen, PersonDetailScreen
from screens.text import CELL_WIDTH
from tests.hostile import HOSTILE_NOW, MARKUP, fill_hostile
from tests.ui.helpers import notices, screen_text, settle

SIZE = (220, 80)
CLICK = "Haushalt [@click=app.quit]Klick[/]"


@pytest.fixture
def hostile(engine: Engine, db_url: str) -> Iterator[Context]:
    fill_hostile(engine, HOSTILE_NOW)
    yield Context(engine=engine, label=db_url, clock=lambda: HOSTILE_NOW)


async def press(pilot: Pilot[None], *keys: str) -> str:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)
    assert pilot.app.is_running, "the app stopped"
    return screen_text(pilot.app)


def literal_on_screen(text: str, cases: list[str], where: str) -> None:
    missing = [case for case in cases if case[: CELL_WIDTH - 1] not in text]
    assert not missing, f"{where}: not shown literally: {missing}\n{text}"


async def search_register(pilot: Pilot[None], words: str) -> None:
    await pilot.press("slash")
    await pilot.press(*words)
    await pilot.pause(0.3)
    await settle(pilot)
    await pilot.press("enter")  # from the search box to the list
    await settle(pilot)


async def test_sections_and_tabs_show_hostile_text_literally(hostile: Context) -> None:
    app = CoordinatorApp(hostile, watch_changes=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        text = screen_text(app)
        literal_on_screen(text, ["Anna Kaputt [/]", "[bold red]Rotkäppchen[/]"], "dashboard")
        text = await press(pilot, "n", "o")
        literal_on_screen(text, MARKUP, "organisations")
        assert "Rotkäppchen" in text and "[bold red]Rotkäppchen[/]" in text
        text = await press(pilot, "p")
        literal_on_screen(text, [f"{c} H{i}" for i, c in enumerate(MARKUP)], "people")
        literal_on_screen(await press(pilot, "f"), MARKUP[-1:], "follow-ups")
        literal_on_screen(await press(pilot, "v"), ["Anna Kaputt [/]"], "pipeline")
        text = await press(pilot, "m", "p")  # the past: the hostile meetings start today
        text = await press(pilot, "u")
        literal_on_screen(text, ["Zeile eins ⏎ ATTENDEE:mailto:evil@example.org"], "upcoming")
        literal_on_screen(await press(pilot, "w"), [], "week")
        literal_on_screen(await press(pilot, "o"), [], "month")
        text = await press(pilot, "t", "b")
        literal_on_screen(text, ["Anna Kaputt [/]"], "task board")
        literal_on_screen(await press(pilot, "l"), MARKUP[:4], "task list")
        await press(pilot, "escape")  # from the list's search box to the list (issue 18)
        literal_on_screen(await press(pilot, "c"), MARKUP[:4], "decisions")
        literal_on_screen(await press(pilot, "s"), MARKUP[:2], "mail")
        literal_on_screen(await press(pilot, "C"), [], "changes")


async def test_detail_views_show_hostile_text_literally(hostile: Context) -> None:
    app = CoordinatorApp(hostile, watch_changes=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, "n", "o")
        await search_register(pilot, "Kaputt")
        text = await press(pilot, "enter")
        assert isinstance(app.screen, OrganisationDetailScreen)
        literal_on_screen(text, ["Anna Kaputt [/]"], "organisation")
        await press(pilot, "escape", "p")
        await search_register(pilot, "Rotkäppchen")
        text = await press(pilot, "enter")
        assert isinstance(app.screen, PersonDetailScreen)
        literal_on_screen(text, ["[bold red]Rotkäppchen[/] H1"], "person")


async def test_a_meeting_titled_with_an_action_does_not_run_it(hostile: Context) -> None:
    app = CoordinatorApp(hostile, watch_changes=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, "m", "u")
        table = app.screen.query_one("#upcoming-table")
        for row in range(table.row_count):  # type: ignore[attr-defined]
            if CLICK in str(table.get_row_at(row)[1]):  # type: ignore[attr-defined]
                table.move_cursor(row=row)  # type: ignore[attr-defined]
                break
        else:
            raise AssertionError(screen_text(app))
        await settle(pilot)
        await pilot.click("#upcoming-table", offset=(30, table.cursor_row + 1))  # type: ignore[attr-defined]
        text = await press(pilot, "enter")
        assert isinstance(app.screen, MeetingScreen), text
        literal_on_screen(text, [CLICK], "meeting")
        for x in range(0, 40):  # every cell of the title line and the agenda's
            await pilot.click("#meeting-facts", offset=(x, 0))
            await pilot.pause()
        assert app.is_running and isinstance(app.screen, MeetingScreen)
        text = await press(pilot, "r")
        assert isinstance(app.screen, MinutesScreen), text
        literal_on_screen(text, [CLICK], "minutes")


async def test_dialogs_and_notifications_are_literal(hostile: Context) -> None:
    app = CoordinatorApp(hostile, watch_changes=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, "n", "o")
        await search_register(pilot, "Kaputt")
        text = await press(pilot, "e")
        await press(pilot, "escape")
        text = await press(pilot, "delete")  # the confirmation names what goes with it
        literal_on_screen(text, ["Anna Kaputt [/]"], "delete dialog")
        await press(pilot, "shift+tab", "enter")  # Cancel has the focus; Delete is before it
        await settle(pilot)
        assert "Anna Kaputt [/] deleted." in notices(app)
        text = screen_text(app)
        assert "Anna Kaputt [/] deleted." in text
        await press(pilot, "d", "s", "a")  # a new announcement: the groups to choose from
        await press(pilot, "tab")  # from the subject to the group
        text = await press(pilot, "enter")  # opens the list of groups
        literal_on_screen(text, [f"{MARKUP[1]} 1", f"{MARKUP[2]} 2"], "group list")
        text = await press(pilot, "down", "down", "enter")
        literal_on_screen(text, [f"{MARKUP[1]} 1"], "chosen group")


async def open_meeting(pilot: Pilot[None], title: str) -> str:
    app = pilot.app
    await press(pilot, "m", "u")
    table = app.screen.query_one("#upcoming-table")
    for row in range(table.row_count):  # type: ignore[attr-defined]
        if title in str(table.get_row_at(row)[1]):  # type: ignore[attr-defined]
            table.move_cursor(row=row)  # type: ignore[attr-defined]
            break
    else:
        raise AssertionError(screen_text(app))
    text = await press(pilot, "enter")
    assert isinstance(app.screen, MeetingScreen), text
    return text


async def each_dialog(pilot: Pilot[None], keys: str, home: type) -> dict[str, str]:
    """Open the dialog behind each key, read it, close it with Escape: the text of each."""
    seen = {}
    for key in keys:
        text = await press(pilot, key)
        if not isinstance(pilot.app.screen, home):
            seen[key] = text
            await press(pilot, "escape")
        assert isinstance(pilot.app.screen, home), (key, screen_text(pilot.app))
    return seen


async def test_every_dialog_of_a_meeting_and_its_minutes_is_literal(
    hostile: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # w writes the agenda and minutes files here
    app = CoordinatorApp(hostile, watch_changes=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_meeting(pilot, CLICK)
        seen = await each_dialog(pilot, "eaipxswH", MeetingScreen)
        assert set(seen) >= set("eaipxs"), sorted(seen)
        literal_on_screen(seen["e"], [CLICK], "meeting form")
        literal_on_screen(seen["x"], [CLICK], "cancel confirmation")
        await press(pilot, "r")
        assert isinstance(app.screen, MinutesScreen)
        seen = await each_dialog(pilot, "gkdtw", MinutesScreen)
        assert set(seen) >= set("gkdt"), sorted(seen)
        assert app.is_running
    written = sorted(p.suffix for p in tmp_path.iterdir())
    assert written.count(".md") == 2 and written.count(".html") == 2, written


async def test_every_dialog_of_the_task_list_is_literal(hostile: Context) -> None:
    app = CoordinatorApp(hostile, watch_changes=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, "t", "l", "escape")  # the list opens in its search box
        title = str(app.screen.query_one("#task-table").get_row_at(0)[0])  # type: ignore[attr-defined]
        seen = await each_dialog(pilot, "aroH", type(app.screen))
        assert set(seen) == set("aroH"), sorted(seen)
        literal_on_screen(seen["o"], [title[:20]], "task notes")
        literal_on_screen(seen["H"], [title[:20]], "the task's changes")
        await press(pilot, "h")  # the history is a notification
        assert app.is_running and "History" in screen_text(app)


async def test_every_dialog_of_the_register_mail_meetings_and_changes_is_literal(
    hostile: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = CoordinatorApp(hostile, watch_changes=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, "n", "o")
        register = type(app.screen)
        organisation = str(app.screen.query_one("#organisation-table").get_row_at(0)[0])  # type: ignore[attr-defined]
        seen = await each_dialog(pilot, "aelgixH", register)
        assert set(seen) >= set("aelgixH"), sorted(seen)
        literal_on_screen(seen["e"], [organisation[:20]], "organisation form")
        await press(pilot, "p")
        seen = await each_dialog(pilot, "aelixH", register)
        assert set(seen) >= set("aelixH"), sorted(seen)
        await press(pilot, "d", "s")
        mail = type(app.screen)
        seen = await each_dialog(pilot, "aglsw", mail)
        assert set(seen) >= set("agl"), sorted(seen)
        await press(pilot, "m")
        seen = await each_dialog(pilot, "axiH", type(app.screen))
        assert set(seen) >= set("axi"), sorted(seen)
        await press(pilot, "C")
        seen = await each_dialog(pilot, "i", type(app.screen))
        assert set(seen) == {"i"}
        assert app.is_running
