"""Small modal dialogs: confirm, choose a phase, log a contact."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, TextArea

from coordinator.i18n import N_, _
from coordinator.labels import NETWORK_ZONE, label
from coordinator.validation import Checker, ValidationError
from screens.after_work import DismissAfterWork
from screens.complete import NameComplete
from screens.text import Label, Static
from screens.translate import translate_bindings
from screens.widgets import Button, SaveButton, Select
from storage.enums import ContactChannel, Phase, Priority

_CAPTIONS = {
    "title": N_("Title"), "owner": N_("Owner"), "due": N_("Due"), "notes": N_("Notes"),
    "minutes": N_("Duration"), "presenter": N_("Presenter"),
}  # fmt: skip


def show_field_errors(
    screen: Screen[object], error: ValidationError, label_id: str, *, prefix: str,
    captions: dict[str, str] | None = None,
) -> None:  # fmt: skip
    """A dialog's bad fields, each named, in the label ``label_id``; the first bad field
    (``prefix`` + its name) gets the focus. The dialog stays open with what was typed."""
    names = captions or _CAPTIONS
    lines = [
        f"{_(names[name]) if name in names else name}: {message}"
        for name, message in error.errors.items()
    ]
    screen.query_one(label_id, Label).update("\n".join(lines))
    for name in error.errors:
        found = screen.query(f"{prefix}{name}")
        if found:
            found.first().focus()
            return


class Dialog(DismissAfterWork, ModalScreen[object]):
    """A centred box with a title, a body and buttons; Escape cancels."""

    BINDINGS = [("escape", "cancel", "Cancel"), ("ctrl+s", "save", "Save")]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        """ctrl+s: what the dialog's Save button does, in a dialog that has one."""
        found = self.query("#save")
        if found and not found.first().disabled:
            found.first(Button).press()


class ConfirmDialog(Dialog):
    """Ask before something that cannot be undone; returns True to go ahead."""

    def __init__(
        self, title: str, body: str, confirm: str, *, extra_input: str | None = None,
        cancel_first: bool = False,
    ) -> None:  # fmt: skip
        """``cancel_first``: Cancel has the focus (Enter does not erase or delete)."""
        super().__init__()
        self._title, self._body, self._confirm, self._extra = title, body, confirm, extra_input
        self._cancel_first = cancel_first

    def on_mount(self) -> None:
        if self._cancel_first:
            self.query_one("#cancel", Button).focus()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._title, classes="dialog-title")
            yield Static(self._body, classes="dialog-body")
            if self._extra:
                yield Input(placeholder=self._extra, id="extra")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self._confirm, variant="error", id="confirm")
                yield Button(_("Cancel"), id="cancel")

    @on(Button.Pressed, "#confirm")
    def _confirmed(self) -> None:
        if self._extra:
            self.dismiss(self.query_one("#extra", Input).value.strip())
        else:
            self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)


class NotesDialog(Dialog):
    """Notes of several lines (a TextArea: Enter starts a new line, ctrl+s saves, Esc
    cancels); returns {"text": ...} like the one-line dialogs."""

    def __init__(self, title: str, value: str = "") -> None:
        super().__init__()
        self._title, self._value = title, value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._title, classes="dialog-title")
            yield TextArea(self._value, id="notes-text", soft_wrap=True, show_line_numbers=False)
            yield Label(_("Enter starts a new line; ctrl+s saves."), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield SaveButton()
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        area = self.query_one("#notes-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.dismiss({"text": self.query_one("#notes-text", TextArea).text})

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)


class PhaseDialog(Dialog):
    """Choose the next network phase of an organisation; returns (phase, note)."""

    def __init__(self, name: str, current: Phase) -> None:
        super().__init__()
        self._name, self._current = name, current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                _("Network phase of {name}").format(name=self._name), classes="dialog-title"
            )
            yield Select(
                [(label(p), p) for p in Phase], value=self._current, allow_blank=False, id="phase"
            )
            yield Input(placeholder=_("Note (optional)"), id="note")
            with Horizontal(classes="dialog-buttons"):
                yield SaveButton()
                yield Button(_("Cancel"), id="cancel")

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.dismiss((self.query_one("#phase", Select).value, self.query_one("#note", Input).value))

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)


class ContactDialog(Dialog):
    """Record a call, meeting, e-mail or visit; returns (channel, when, note)."""

    def __init__(self, who: str, today: str) -> None:
        super().__init__()
        self._who, self._today = who, today

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Contact with {who}").format(who=self._who), classes="dialog-title")
            yield Select(
                [(label(c), c) for c in ContactChannel],
                value=ContactChannel.CALL,
                allow_blank=False,
                id="channel",
            )
            yield Input(value=self._today, placeholder=_("Date"), id="date")
            yield Label("", classes="field-error", id="date-error")
            yield Input(placeholder=_("What was it about?"), id="note")
            with Horizontal(classes="dialog-buttons"):
                yield SaveButton()
                yield Button(_("Cancel"), id="cancel")

    @on(Button.Pressed, "#save")
    @on(Input.Submitted, "#note")
    def _save(self) -> None:
        check = Checker()
        day = check.date("date", self.query_one("#date", Input).value)
        if day is None:
            check.fail("date", _("This field is required."))
        try:
            check.check()
        except ValidationError as exc:
            self.query_one("#date-error", Label).update(exc.errors["date"])
            return
        assert day is not None
        when = datetime.combine(day, datetime.now(NETWORK_ZONE).time(), NETWORK_ZONE).astimezone(
            UTC
        )
        when = min(when, datetime.now(UTC))
        self.dismiss(
            (self.query_one("#channel", Select).value, when, self.query_one("#note", Input).value)
        )

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)


class TaskDialog(Dialog):
    """A new task, or another owner. ``check`` (the domain's checked_task) checks what was
    typed before the dialog closes: a bad field is named under the fields, the typed text
    stays, and the dialog closes only with checked values."""

    def __init__(
        self,
        title: str,
        check: Callable[[dict[str, str]], dict[str, Any]],
        *,
        ask_title: bool = True,
        ask_due: bool = True,
        ask_notes: bool = True,
    ) -> None:
        super().__init__()
        self._title, self._ask_title, self._ask_due = title, ask_title, ask_due
        self._ask_notes = ask_notes
        self._check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._title, classes="dialog-title")
            if self._ask_title:
                yield Input(placeholder=_("Task"), id="task-title")
            owner = Input(
                placeholder=_("Owner: person or organisation, as in the register"), id="task-owner"
            )
            yield owner
            yield NameComplete(owner, ["person", "organisation"])
            if self._ask_due:
                yield Input(placeholder=_("Due (like 31.03.2027)"), id="task-due")
                yield Select(
                    [(label(p), p.value) for p in Priority],
                    value=Priority.NORMAL.value,
                    allow_blank=False,
                    id="task-priority",
                )
                if self._ask_notes:
                    yield Input(placeholder=_("Notes"), id="task-notes")
            yield Label("", classes="field-error", id="task-error")
            with Horizontal(classes="dialog-buttons"):
                yield SaveButton()
                yield Button(_("Cancel"), id="cancel")

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def _save(self) -> None:
        typed = {
            name: found.first().value  # type: ignore[attr-defined]
            for name in ("title", "owner", "due", "notes", "priority")
            if (found := self.query(f"#task-{name}"))
        }
        if "priority" in typed:
            typed["priority"] = str(typed["priority"])
        try:
            checked = self._check(typed)
        except ValidationError as exc:
            show_field_errors(self, exc, "#task-error", prefix="#task-")
            return
        self.dismiss(checked)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)
