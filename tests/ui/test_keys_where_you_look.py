"""Keys act where the user looks, and `?` says which keys there are (issue 18): a meeting
takes y/m/n for the highlighted invitee as soon as it opens, the date poll's cursor stays on
the answered cell, a closed poll does not offer to choose, and the keys dialog lists the
screen's keys in the user's language."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from textual.widgets import DataTable, Input

from coordinator.app import CoordinatorApp
from coordinator.context import Context
from coordinator.i18n import _, set_language
from screens.keys import KeysDialog
from screens.meetings.meeting import MeetingScreen
from storage.enums import Rsvp
from storage.models import Invitation
from tests.ui.helpers import screen_text, settle


async def _press(pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def test_y_m_n_answer_for_the_highlighted_invitee_right_after_opening(
    sample_context: Context,
) -> None:
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _press(pilot, "m", "enter")
        screen = app.screen
        assert isinstance(screen, MeetingScreen) and screen.view is not None
        invitees = screen.query_one("#invitee-table", DataTable)
        row = next(i for i, inv in enumerate(screen.view.invitees) if inv.rsvp == Rsvp.NO_REPLY)
        person_id = screen.view.invitees[row].person_id
        meeting_id = screen.meeting_id  # a date of a series: the answer is that date's
        await _press(pilot, *["down"] * row)  # no Tab first
        assert invitees.cursor_row == row
        await _press(pilot, "n")
        assert invitees.cursor_row == row
    with Session(sample_context.engine) as session:
        invitation = session.exec(
            select(Invitation).where(
                Invitation.meeting_id == meeting_id, Invitation.person_id == person_id
            )
        ).one()
        assert invitation.rsvp == Rsvp.DECLINED


async def test_the_poll_cursor_stays_on_the_answered_cell_and_a_closed_poll_offers_no_choice(
    sample_context: Context,
) -> None:
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await _press(pilot, "m", "a")
        for name, value in dict(
            title="Sommerfest planen", day="01.06.2027", start="18:00", end="20:00"
        ).items():
            app.screen.query_one(f"#field-{name}", Input).value = value
        await _press(pilot, "ctrl+s", "i")
        await pilot.press(*"Circolo Italiano Bielefeld e.V.")
        await _press(pilot, "enter", "p")
        await pilot.press(*"02.06.2027 10:00-12:00; 02.06.2027 18:00-20:00")
        await _press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        poll = screen.query_one("#poll-table", DataTable)
        await _press(pilot, "tab")  # from the invitees to the poll
        assert screen.focused is poll
        await _press(pilot, "right", "right")  # the evening of 2 June, first invitee
        at = poll.cursor_coordinate
        await _press(pilot, "y")
        assert poll.cursor_coordinate == at  # not back in the Name column
        await _press(pilot, "down", "y", "down", "y")
        assert poll.cursor_coordinate == (at.row + 2, at.column)
        assert "3/0/0" in screen_text(app)
        assert "c" in screen.active_bindings
        await _press(pilot, "c")
        await _press(pilot, "enter")  # the confirmation's first button
        assert isinstance(app.screen, MeetingScreen)
        text = screen_text(app)
        assert "Date poll (closed)" in text and "c chooses" not in text
        assert "c" not in screen.active_bindings  # the footer no longer offers it


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize(
    ("keys", "own"),
    [(["m", "enter"], ["Minutes", "Calendar file", "Yes"]), (["n"], ["Log contact", "Phase"]), (["t", "l"], ["Reassign", "+1 week"])],
    ids=["meeting", "register", "task list"],
)  # fmt: skip
async def test_question_mark_lists_the_screens_keys_in_the_users_language(
    sample_context: Context, lang: str, keys: list[str], own: list[str]
) -> None:
    set_language(lang)
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _press(pilot, *keys)
        if keys == ["t", "l"]:
            await _press(pilot, "escape")  # from the search box to the list
        below = app.screen
        await _press(pilot, "question_mark")
        dialog = app.screen
        assert isinstance(dialog, KeysDialog)
        table = dialog.query_one("#keys-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        headings = [what for key, what in rows if not key]
        assert headings[0] == _("This screen")
        assert _("Everywhere") in headings
        described = {what for key, what in rows if key}
        first_group = []
        for key, what in rows[1:]:
            if not key:
                break
            first_group.append(what)
        assert {_(what) for what in own} <= set(first_group)  # under "This screen"
        if lang == "de":
            from textual.widgets import DataTable as TextualTable

            english = {b.description for b in TextualTable.BINDINGS if hasattr(b, "description")}
            assert not english & described, "Textual's own key names shown untranslated"
            assert "Nächstes Feld" in described
        await _press(pilot, "f1")
        assert app.screen is below
        await _press(pilot, "f1")
        assert isinstance(app.screen, KeysDialog)
        await _press(pilot, "escape")
        assert app.screen is below
