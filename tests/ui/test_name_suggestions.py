"""Name fields suggest the register's names as the user types (issue 18, "Pick, don't
type"): the dropdown lists what fits, Down/Enter take one, a name that fits one is taken."""

from __future__ import annotations

from sqlmodel import Session, select
from textual.widgets import Input

from coordinator.app import CoordinatorApp
from coordinator.context import Context
from screens.complete import NameComplete
from screens.dialogs import TaskDialog
from storage.models import Person, Task
from tests.ui.helpers import settle


async def _press(pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def _shown(app: CoordinatorApp) -> list[str]:
    complete = app.screen.query_one(NameComplete)
    if not complete.display:
        return []
    options = complete.option_list
    return [options.get_option_at_index(i).value for i in range(options.option_count)]  # type: ignore[attr-defined]


async def test_the_owner_field_lists_who_fits_and_down_enter_takes_one(
    sample_context: Context,
) -> None:
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _press(pilot, "t", "a")
        assert isinstance(app.screen, TaskDialog)
        await pilot.press(*"Plakate drucken")
        await _press(pilot, "tab", *"holl")
        shown = _shown(app)
        assert shown[:3] == ["Anna Hollmann", "Felix Hollmann", "Henrik Hollmann"]
        assert all("Hollmann" in name for name in shown)
        await _press(pilot, "down", "enter")
        assert app.screen.query_one("#task-owner", Input).value == "Felix Hollmann"
        assert _shown(app) == []  # taken: the dropdown closed, the dialog still open
        assert isinstance(app.screen, TaskDialog)
        await _press(pilot, "ctrl+s")
        assert not isinstance(app.screen, TaskDialog)
    with Session(sample_context.engine) as session:
        task = session.exec(select(Task).where(Task.title == "Plakate drucken")).one()
        owner = session.get(Person, task.owner_person_id)
        assert owner is not None and owner.given_name == "Felix"


async def test_invite_takes_the_one_organisation_a_part_of_its_name_fits(
    sample_context: Context,
) -> None:
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _press(pilot, "m", "enter", "i")
        await _press(pilot, *"jobc")
        assert _shown(app) == ["Jobcenter Arbeitplus, Integration Point"]
        await _press(pilot, "escape")  # Esc closes the dropdown, not the dialog
        assert _shown(app) == []
        assert app.screen.query_one("#invite-name", Input).value == "jobc"
        await _press(pilot, "enter")  # "jobc" alone fits one organisation: it is taken
        assert "No single match" not in str(app.screen.query("Label").nodes)
        assert not app.screen.query("#invite-name")  # the dialog closed


async def test_a_name_that_fits_nobody_keeps_the_invite_dialog_open(
    sample_context: Context,
) -> None:
    """Issue 18: no dialog closes on a bad value. "Niemand" is named under the field, the
    text stays, and a corrected name invites."""
    from screens.meetings.dialogs import InviteDialog
    from tests.ui.helpers import screen_text

    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _press(pilot, "m", "enter", "i", *"Niemand", "enter")
        assert isinstance(app.screen, InviteDialog)
        assert "No single match for “Niemand”." in screen_text(app)
        assert app.screen.query_one("#invite-name", Input).value == "Niemand"
        await _press(pilot, *["backspace"] * 7, *"jobc", "enter", "enter")
        assert not isinstance(app.screen, InviteDialog)


async def test_a_minute_taker_who_is_no_person_keeps_the_dialog_open(
    sample_context: Context,
) -> None:
    from screens.minutes import MinutesScreen, TextDialog
    from tests.ui.helpers import screen_text

    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _press(pilot, "m", "enter", "r")
        assert isinstance(app.screen, MinutesScreen)
        await _press(pilot, "k", *"Niemand Unbekannt", "enter")
        assert isinstance(app.screen, TextDialog)
        assert "Niemand Unbekannt" in screen_text(app)  # named in the message, and kept
        await _press(pilot, "ctrl+u", *"Chiara Ferraro", "enter")
        assert isinstance(app.screen, MinutesScreen)
        assert "minutes taken by Chiara Ferraro" in screen_text(app)


def test_a_dropdown_of_several_kinds_marks_each_name_with_its_kind_in_words() -> None:
    """Marks are whole words in one column ("person      ", "meeting     "), for every kind a
    field can mix, meetings included (a meeting among people once raised KeyError)."""
    from textual_autocomplete import TargetState

    from coordinator.register.names import Name

    complete = NameComplete("#nowhere", ["person", "organisation", "meeting"])
    complete._names = [
        Name(kind="person", id=1, label="Anna Hollmann"),
        Name(kind="meeting", id=2, label="Hollmann-Runde #2"),
    ]
    found = complete.get_matches(TargetState("holl", 4), [], "holl")
    marks = {str(item.main): str(item.prefix) for item in found}
    assert marks == {"Anna Hollmann": "person       ", "Hollmann-Runde #2": "meeting      "}
