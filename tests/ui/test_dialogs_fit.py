"""Every dialog, opened by its keys as a person opens it, at 80x24 and 120x40: each of its
fields and buttons can be reached and then lies inside the screen, wide enough to read, and
the buttons are in sight as soon as the dialog opens (issue 18: the .ics export dialog's
Organisation, To-date and Reminder fields had no width, New person's Save was off-screen).
"""

from __future__ import annotations

import pytest
from textual.geometry import Region
from textual.screen import ModalScreen
from textual.widget import Widget

from coordinator.app import CoordinatorApp
from coordinator.context import Context
from tests.ui.helpers import screen_text, settle

CONTROLS = "Input, Button, Select, Checkbox, SelectionList, TextArea, RadioSet, DataTable"

# (what is opened, the keys from the dashboard). Esc closes it again.
JOURNEYS = [
    ("new organisation", ["n", "a"]),
    ("edit organisation", ["n", "e"]),
    ("log contact", ["n", "l"]),
    ("phase", ["n", "g"]),
    ("import CSV", ["n", "i"]),
    ("export organisations", ["n", "x"]),
    ("organisation's changes", ["n", "H"]),
    ("delete organisation", ["n", "delete"]),
    ("new person", ["n", "p", "a"]),
    ("edit person", ["n", "p", "e"]),
    ("consent for the list", ["n", "p", "c"]),
    ("new meeting", ["m", "a"]),
    ("export .ics", ["m", "x"]),
    ("import .ics", ["m", "i"]),
    ("edit meeting", ["m", "enter", "e"]),
    ("agenda item", ["m", "enter", "a"]),
    ("invite", ["m", "enter", "i"]),
    ("find a date", ["m", "enter", "p"]),
    ("meeting's calendar file", ["m", "enter", "s"]),
    ("cancel meeting", ["m", "enter", "x"]),
    ("decision", ["m", "enter", "r", "d"]),
    ("action item", ["m", "enter", "r", "t"]),
    ("minute-taker", ["m", "enter", "r", "k"]),
    ("guest", ["m", "enter", "r", "g"]),
    ("new task", ["t", "a"]),
    ("reassign", ["t", "r"]),
    ("task notes", ["t", "o"]),
    ("new announcement", ["s", "a"]),
    ("new group", ["s", "g"]),
    ("translation", ["s", "l"]),
    ("mail server", ["s", "o"]),
    ("approve minutes", ["m", "enter", "r", "ctrl+a"]),
    ("agenda item notes", ["m", "enter", "r", "tab", "enter"]),
    ("your name", ["C", "i"]),
]


def _inside(outer: Region, inner: Region) -> bool:
    return outer.contains_region(inner)


def _shown_region(widget: Widget) -> Region:
    """Where the widget is on the screen, clipped by every scrolling container around it."""
    region = widget.region
    for ancestor in widget.ancestors_with_self:
        if isinstance(ancestor, Widget) and ancestor is not widget and ancestor.is_scrollable:
            region = region.intersection(ancestor.scrollable_content_region)
    return region


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize(("what", "keys"), JOURNEYS, ids=[j[0] for j in JOURNEYS])
async def test_every_control_of_the_dialog_is_in_sight(
    sample_context: Context, size: tuple[int, int], what: str, keys: list[str]
) -> None:
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ModalScreen), f"{what}: no dialog opened ({dialog})"
        screen = Region(0, 0, *size)
        problems = []
        for button in dialog.query("Button"):
            shown = _shown_region(button)
            if button.display and (shown != button.region or not _inside(screen, shown)):
                problems.append(f"button {button.id} not in sight when the dialog opens")
        controls = [
            c
            for c in dialog.query(CONTROLS)
            if c.focusable
            and c.display
            and all(a.display for a in c.ancestors if isinstance(a, Widget))
        ]
        assert controls, f"{what}: nothing to focus"
        for control in controls:
            control.focus()
            await settle(pilot)
            shown = _shown_region(control)
            name = f"{type(control).__name__}#{control.id}"
            least = 8 if type(control).__name__ in ("Input", "Select", "TextArea") else 1
            if shown.width < least or shown.height < 1:
                problems.append(f"{name} has no room ({shown.width}x{shown.height})")
            elif shown != control.region or not _inside(screen, shown):
                problems.append(f"{name} is not wholly in sight when focused ({control.region})")
        for save in dialog.query("#save"):
            if "ctrl+s" not in str(save.label):  # type: ignore[attr-defined]
                problems.append("the Save button does not name ctrl+s")
        assert not problems, f"{what} at {size[0]}x{size[1]}: " + "; ".join(problems)


async def test_ctrl_s_saves_a_dialog_that_is_not_a_form(sample_context: Context) -> None:
    """The agenda item dialog is not a Form; ctrl+s saves it too, as its button says."""
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("m", "enter", "a"):
            await pilot.press(key)
            await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ModalScreen)
        assert "ctrl+s" in str(dialog.query_one("#save").label)  # type: ignore[attr-defined]
        await pilot.press(*"Dolmetschen klären")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ModalScreen)
        assert "Dolmetschen klären" in screen_text(app)
