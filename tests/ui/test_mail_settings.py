"""The mail server set and tried from the mail section (issue 18): `o` opens the settings,
a bad field is named and nothing is saved, Test connects to the typed server (a real one on
loopback, then one that is not there) and says what happened, Save stores them; a password
typed for the test is never stored."""

from __future__ import annotations

from aiosmtpd.controller import Controller
from sqlmodel import Session, select

from coordinator.app import CoordinatorApp
from coordinator.context import Context
from coordinator.mail import smtp
from screens.mail import MailScreen
from screens.mail_settings import MailSettingsDialog
from storage.models import Meta
from tests.domain.test_mail import Inbox, free_port
from tests.ui.helpers import click, notices, open_section, screen_text, settle


async def _type(pilot, field: str, text: str) -> None:  # type: ignore[no-untyped-def]
    widget = pilot.app.screen.query_one(f"#mail-{field}")
    widget.focus()
    await pilot.press("end", *["backspace"] * len(widget.value), *text)
    await settle(pilot)


async def test_mail_settings_are_set_and_tried_from_the_mail_section(
    sample_context: Context,
) -> None:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = CoordinatorApp(sample_context)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_section(pilot, "s", MailScreen)
            await pilot.press("o")
            await settle(pilot)
            assert isinstance(app.screen, MailSettingsDialog)
            await _type(pilot, "host", "127.0.0.1")
            await _type(pilot, "port", "7")  # nobody listens there
            await _type(pilot, "sender_email", "kein adresse")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, MailSettingsDialog)  # refused, still open
            assert "Sender address:" in screen_text(app)
            await _type(pilot, "sender_email", "netzwerk@example.org")
            await _type(pilot, "password", "geheim-123")
            await click(pilot, "#test")
            await pilot.pause(0.5)
            await settle(pilot)
            assert "✗ No connection to 127.0.0.1:7" in screen_text(app)
            await _type(pilot, "port", str(port))
            app.screen.query_one("#mail-security").value = "none"
            await click(pilot, "#test")
            await pilot.pause(0.5)
            await settle(pilot)
            assert "✓ The mail server answered: 250" in screen_text(app)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, MailSettingsDialog)
            assert "Mail settings saved." in notices(app)
    finally:
        controller.stop()
    settings = smtp.load_settings(sample_context.engine)
    assert (settings.host, settings.port, settings.security) == ("127.0.0.1", port, "none")
    assert settings.sender_email == "netzwerk@example.org"
    with Session(sample_context.engine) as session:
        stored = " ".join(m.value for m in session.exec(select(Meta)).all())
    assert "geheim-123" not in stored
