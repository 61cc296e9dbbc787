"""Pilot tests of the mail section: a recipient group, an announcement, its preview with the
people who cannot be reached, sending through a real SMTP server, and the send log."""

from __future__ import annotations

from aiosmtpd.controller import Controller
from textual.widgets import DataTable, Input, Select, SelectionList, Static, TextArea

from coordinator.app import CoordinatorApp
from coordinator.context import Context
from coordinator.mail import smtp
from screens.dialogs import ConfirmDialog
from screens.forms import GroupForm
from screens.mail import AnnouncementDialog, MailScreen
from tests.domain.test_mail import Inbox, free_port
from tests.ui.helpers import click, notices, open_section, screen_text, settle


async def test_compose_preview_send_and_log(sample_context: Context) -> None:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    smtp.save_settings(
        sample_context.engine, host="127.0.0.1", port=str(port), security="none",
        sender_email="netz@example.org", per_minute="1000",
    )  # fmt: skip
    app = CoordinatorApp(sample_context)
    try:
        async with app.run_test(size=(140, 45)) as pilot:
            screen = await open_section(pilot, "s", MailScreen)
            await pilot.press("g")
            await settle(pilot)
            assert isinstance(app.screen, GroupForm)
            app.screen.query_one("#field-name", Input).value = "Schulen"
            app.screen.query_one("#field-kind", SelectionList).select("school")
            app.screen.query_one("#field-people", Input).value = "Rakete Raumfahrt"
            await click(pilot, "#save")
            await settle(pilot)
            assert isinstance(app.screen, GroupForm)  # an unknown person is named, nothing saved
            assert "No one called “Rakete Raumfahrt”" in screen_text(app)
            app.screen.query_one("#field-people", Input).value = "ayse erdem"
            await click(pilot, "#save")
            await settle(pilot)
            assert isinstance(app.screen, MailScreen), screen_text(app)
            assert "Schulen" in screen_text(app)

            group_table = screen.query_one("#groups", DataTable)
            group_table.focus()
            schools = next(
                key.value
                for key in group_table.rows
                if str(group_table.get_row(key)[0]) == "Schulen"
            )
            group_table.move_cursor(row=group_table.get_row_index(schools))
            await pilot.press("enter")  # change the group: the form shows it as stored
            await settle(pilot)
            form = app.screen
            assert isinstance(form, GroupForm)
            assert form.query_one("#field-people", Input).value == "Ayşe Erdem"
            assert form.query_one("#field-kind", SelectionList).selected == ["school"]
            form.query_one("#field-kind", SelectionList).select("kindergarten")
            form.query_one("#field-name", Input).value = "Schulen und Kitas"
            form.query_one("#field-city", Input).value = "bielefeld"
            await click(pilot, "#save")
            await settle(pilot)
            assert isinstance(app.screen, MailScreen), screen_text(app)
            row = [str(c) for c in group_table.get_row(schools)]
            assert row[0] == "Schulen und Kitas"
            assert "school, kindergarten" in row[1] and "city: Bielefeld" in row[1]

            await pilot.press("a")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, AnnouncementDialog)
            dialog.query_one("#subject", Input).value = "Elternabend an den Schulen"
            group = next(
                v
                for label, v in dialog.query_one("#group", Select)._options
                if label == "Schulen und Kitas"
            )
            dialog.query_one("#group", Select).value = group
            dialog.query_one("#body", TextArea).text = "Liebe Schulen,\n\nbitte weitersagen."
            await click(pilot, "#save")
            await settle(pilot)
            assert isinstance(app.screen, MailScreen)
            text = screen_text(app)
            assert "Elternabend an den Schulen" in text and "reachable" in text
            await pilot.press("l")
            await settle(pilot)
            app.screen.query_one("#language", Input).value = "en"
            app.screen.query_one("#subject", Input).value = "Parents' evening at the schools"
            app.screen.query_one("#body", TextArea).text = "Dear schools,\n\nplease pass it on."
            await click(pilot, "#save")
            await settle(pilot)
            shown = str(screen.query_one("#detail", Static).content)
            assert "[en] Parents' evening at the schools" in shown
            await pilot.press("s")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            await click(pilot, "#confirm")
            await settle(pilot)
            assert "sent, 0 failed" in notices(app)
            subjects = {str(m["Subject"]) for m in inbox.messages}
            assert inbox.messages and subjects <= {
                "Elternabend an den Schulen",
                "Parents' evening at the schools",
            }
            table = screen.query_one("#announcements", DataTable)
            assert str(table.get_row_at(0)[3]) == "sent"
            assert "Send log" in str(screen.query_one("#detail", Static).content)
            group_table.focus()
            group_table.move_cursor(row=group_table.get_row_index(str(group)))
            await pilot.press("delete")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmDialog)
            await click(pilot, "#confirm")
            await settle(pilot)
            assert "Schulen und Kitas" not in [
                str(row[0]) for row in map(group_table.get_row_at, range(group_table.row_count))
            ]
    finally:
        controller.stop()


async def test_the_detail_follows_the_cursor(sample_context: Context) -> None:
    """The preview is read in a thread: moving on quickly shows the announcement the cursor
    stops at, not one passed on the way."""
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_section(pilot, "s", MailScreen)
        table = screen.query_one("#announcements", DataTable)
        subjects = [str(table.get_row_at(row)[1]) for row in range(table.row_count)]
        assert len(subjects) >= 3
        table.focus()
        for row in (2, 0, 1, 2, 1):
            table.move_cursor(row=row)
            await pilot.pause()
        await settle(pilot)
        shown = str(screen.query_one("#detail", Static).content)
        assert subjects[1] in shown
        assert not {subjects[0], subjects[2]} & set(shown.splitlines())
