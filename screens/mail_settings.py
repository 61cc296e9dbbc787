"""The mail server settings, set and tried from the mail section (``o``): host, port,
security, user, sender, rate. A password typed here is used for the test only and never
stored; sending reads it from COORDINATOR_SMTP_PASSWORD or the system keyring."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input

from coordinator.i18n import N_, _
from coordinator.mail import smtp
from coordinator.validation import ValidationError
from screens.dialogs import Dialog, show_field_errors
from screens.text import Label
from screens.widgets import Button, SaveButton, Select

_FIELDS = (  # name, caption, placeholder
    ("host", N_("Mail server (SMTP)"), "mail.example.org"),
    ("port", N_("Port"), "587"),
    ("user", N_("User name"), "netzwerk@example.org"),
    ("sender_name", N_("Sender name"), "Netzwerk Migrantenorganisationen"),
    ("sender_email", N_("Sender address"), "netzwerk@example.org"),
    ("per_minute", N_("Messages per minute at most"), "30"),
)
_SECURITY = {
    "starttls": N_("STARTTLS (port 587)"), "tls": N_("TLS (port 465)"), "none": N_("none"),
}  # fmt: skip
_CAPTIONS = {name: caption for name, caption, _p in _FIELDS} | {"security": N_("Security")}


class MailSettingsDialog(Dialog):
    """Returns True once saved."""

    def __init__(self, engine: Any) -> None:
        super().__init__()
        self._engine = engine
        self._current = smtp.load_settings(engine)

    def compose(self) -> ComposeResult:
        current = self._current
        with Vertical(classes="dialog form"):
            yield Label(_("Mail server"), classes="dialog-title")
            with VerticalScroll():
                for name, caption, placeholder in _FIELDS:
                    yield Label(_(caption), classes="field-label")
                    value = str(getattr(current, name) or "")
                    yield Input(value=value, placeholder=placeholder, id=f"mail-{name}")
                yield Label(_("Security"), classes="field-label")
                yield Select(
                    [(_(text), key) for key, text in _SECURITY.items()],
                    value=current.security, allow_blank=False, id="mail-security",
                )  # fmt: skip
                yield Label(_("Password, for the test only (never stored)"), classes="field-label")
                yield Input(password=True, id="mail-password")
                yield Label(
                    _("Sending reads it from {variable} or the system keyring.").format(
                        variable=smtp.PASSWORD_VARIABLE
                    ),
                    classes="dialog-hint",
                )
            with Vertical(classes="dialog-foot"):
                yield Label("", classes="field-error", id="mail-error")
                yield Label("", id="mail-result")
                with Horizontal(classes="dialog-buttons"):
                    yield Button(_("Test"), id="test")
                    yield SaveButton()
                    yield Button(_("Cancel"), id="cancel")

    def _typed(self) -> dict[str, str]:
        typed = {name: self.query_one(f"#mail-{name}", Input).value for name, _c, _p in _FIELDS}
        typed["security"] = str(self.query_one("#mail-security", Select).value)
        return typed

    def _refused(self, exc: ValidationError) -> None:
        show_field_errors(self, exc, "#mail-error", prefix="#mail-", captions=_CAPTIONS)

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        try:
            smtp.save_settings(self._engine, **self._typed())
        except ValidationError as exc:
            self._refused(exc)
            return
        self.dismiss(True)

    @on(Button.Pressed, "#test")
    def _test(self) -> None:
        try:
            settings = smtp.checked_settings(**self._typed())
        except ValidationError as exc:
            self._refused(exc)
            return
        self.query_one("#mail-error", Label).update("")
        self.query_one("#mail-result", Label).update(
            _("Connecting to {host} …").format(host=settings.host)
        )
        secret = self.query_one("#mail-password", Input).value or smtp.password()
        self._try(settings, secret)

    @work(thread=True, exclusive=True, exit_on_error=False, group="mail-test")
    def _try(self, settings: smtp.MailSettings, secret: str) -> None:
        ok, message = smtp.connection_report(settings, secret)
        self.app.call_from_thread(self._tried, ok, message)

    def _tried(self, ok: bool, message: str) -> None:
        result = self.query_one("#mail-result", Label)
        result.update(("✓ " if ok else "✗ ") + message)
        result.set_class(not ok, "field-error")

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)
