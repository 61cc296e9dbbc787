"""Partners' answers read from a mailbox (``r`` in the mail section): the mail account set with
``coordinator mail imap`` (Enter on an empty path), or the path of an mbox file or a Maildir
folder; then one line per message with what it did. A message read before is not read again;
on the server, the messages read are marked (coordinator.calendar.mail_replies)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input

from coordinator.calendar import mail_replies as replies
from coordinator.i18n import _
from screens.dialogs import Dialog
from screens.text import Label, Static
from screens.widgets import Button, DataTable


class RepliesDialog(Dialog):
    """Returns True when an answer was recorded."""

    DEFAULT_CSS = """
    RepliesDialog #replies { height: 1fr; min-height: 4; }
    """

    def __init__(self, engine: Any) -> None:
        super().__init__()
        self._engine = engine
        self._recorded = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(_("Read answers from a mailbox"), classes="dialog-title")
            yield Input(
                placeholder=_("Path of an mbox file or a Maildir folder (empty: the mail account)"),
                id="mailbox-path",
            )
            yield Label("", classes="field-error", id="mailbox-error")
            yield Static(_("Type the path and press Enter."), id="replies-summary")
            yield DataTable(id="replies", cursor_type="row")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Close"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#replies", DataTable).add_columns(
            _("What it did"), _("From"), _("Subject"), _("Detail")
        )
        self.query_one("#mailbox-path", Input).focus()

    @on(Input.Submitted, "#mailbox-path")
    def _read(self, event: Input.Submitted) -> None:
        self.query_one("#mailbox-error", Label).update("")
        self.query_one("#replies-summary", Static).update(_("Reading …"))
        if not event.value.strip():
            self.read_account()
            return
        self.read(Path(event.value.strip()).expanduser())

    @work(thread=True, exclusive=True, exit_on_error=False)
    def read_account(self) -> None:
        import imaplib

        from coordinator.mail import imap

        settings = imap.load_settings(self._engine)
        message = ""
        if not settings.ready:
            message = _("No mail account is set (coordinator mail imap --host … --user …).")
        else:
            try:
                with imap.Mailbox(settings, imap.password()) as box:
                    found = replies.read_box(self._engine, box)
            except (imaplib.IMAP4.error, OSError) as exc:
                message = _("the mailbox {host}: {reason}").format(host=settings.host, reason=exc)
        if message:
            self.app.call_from_thread(self.query_one("#mailbox-error", Label).update, message)
            self.app.call_from_thread(self.query_one("#replies-summary", Static).update, "")
            return
        self.app.call_from_thread(self.show, found)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def read(self, path: Path) -> None:
        source = replies.maildir_messages if path.is_dir() else replies.mbox_messages
        try:
            found = replies.read_replies(self._engine, source(path))
        except (FileNotFoundError, OSError):
            self.app.call_from_thread(
                self.query_one("#mailbox-error", Label).update,
                _("no mailbox at {path}").format(path=path),
            )
            self.app.call_from_thread(self.query_one("#replies-summary", Static).update, "")
            return
        self.app.call_from_thread(self.show, found)

    def show(self, found: list[replies.Outcome]) -> None:
        table = self.query_one("#replies", DataTable)
        table.clear()
        for outcome in found:
            table.add_row(
                _(replies.OUTCOME_LABELS[outcome.result]), outcome.sender or "–",
                outcome.subject or "–", outcome.detail or "",
            )  # fmt: skip
        recorded = sum(1 for o in found if o.result == replies.RECORDED)
        self._recorded = self._recorded or recorded > 0
        self.query_one("#replies-summary", Static).update(
            _("{n} messages read: {recorded} answers recorded.").format(
                n=len(found), recorded=recorded
            )
        )
        table.focus()

    def action_cancel(self) -> None:
        self.dismiss(self._recorded or None)

    @on(Button.Pressed, "#cancel")
    def _closed(self) -> None:
        self.action_cancel()
