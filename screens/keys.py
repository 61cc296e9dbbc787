"""The keys of what is on screen (`?` or F1): the screen's own first, then those of the field
or list that has the focus, then those that work everywhere; each in the user's language.

Textual's own widgets name their keys in English ("Cursor up"); their descriptions are
message ids of our catalogue too (``WIDGET_KEYS``), so a German screen lists them in German.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen

from coordinator.i18n import N_, _
from screens.dialogs import Dialog
from screens.text import Label
from screens.widgets import Button, DataTable

# The descriptions Textual's widgets and App give their keys, so the catalogue holds them.
WIDGET_KEYS = (
    N_("Cursor up"), N_("Cursor down"), N_("Cursor left"), N_("Cursor right"),
    N_("Home"), N_("End"), N_("Page up"), N_("Page down"), N_("Page Left"), N_("Page Right"),
    N_("Select"), N_("Top"), N_("Bottom"), N_("Focus Next"), N_("Focus Previous"),
    N_("Copy selected text"), N_("Scroll Up"), N_("Scroll Down"), N_("Scroll Left"),
    N_("Scroll Right"), N_("Scroll Home"), N_("Scroll End"), N_("Page Up"), N_("Page Down"),
    N_("Move cursor left"), N_("Move cursor right"), N_("Move cursor left a word"),
    N_("Move cursor right a word"), N_("Go to start"), N_("Go to end"), N_("Submit"),
    N_("Delete character left"), N_("Delete character right"), N_("Delete to start"),
    N_("Delete to end"), N_("Delete left to start of word"), N_("Delete right to start of word"),
    N_("Cut selected text"), N_("Paste text from the clipboard"), N_("Show menu"),
    N_("Toggle option"), N_("Toggle"), N_("Dismiss menu"), N_("Open"), N_("Quit"),
)  # fmt: skip


def _generic_actions() -> set[str]:
    """Actions every Textual screen binds (Tab, Shift+Tab, copy): listed as "everywhere"."""
    return {
        b.action if isinstance(b, Binding) else b[1]  # type: ignore[index]
        for b in Screen.BINDINGS
    }


def key_groups(screen: Screen[object], app: App[object]) -> list[tuple[str, list[tuple[str, str]]]]:
    """(heading, [(keys, what they do)]) for the screen, the focused widget and the app, as
    Textual would dispatch them now (a key taken by the focused widget is listed there; keys
    that do the same are listed together)."""
    generic = _generic_actions()
    own: dict[str, list[str]] = {}
    focused: dict[str, list[str]] = {}
    everywhere: dict[str, list[str]] = {}
    for active in screen.active_bindings.values():
        binding: Binding = active.binding
        if not binding.description or not active.enabled:
            continue
        key = binding.key_display or app.get_key_display(binding)
        if active.node is app or binding.action in generic:
            group = everywhere
        elif active.node is screen:
            group = own
        else:
            group = focused
        keys = group.setdefault(_(binding.description), [])
        if key not in keys:
            keys.append(key)
    groups = [
        (_("This screen"), own),
        (_("The field or list with the focus"), focused),
        (_("Everywhere"), everywhere),
    ]
    return [
        (heading, [(" ".join(keys), what) for what, keys in rows.items()])
        for heading, rows in groups
        if rows
    ]


class KeysDialog(Dialog):
    """Every key of the screen below, grouped; Esc, `?` or F1 closes it."""

    BINDINGS = [
        ("escape", "cancel", "Close"),
        ("question_mark", "cancel", "Close"),
        ("f1", "cancel", "Close"),
    ]

    def __init__(self, groups: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self._groups = groups

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(_("Keys"), classes="dialog-title")
            yield DataTable(id="keys-table", cursor_type="row", show_header=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Close"), id="cancel")

    def on_mount(self) -> None:
        table = self.query_one("#keys-table", DataTable)
        table.add_columns(_("Key"), _("What it does"))
        for heading, rows in self._groups:
            table.add_row("", Text(heading, style="bold underline"))
            for key, description in rows:
                table.add_row(key, description)
        table.focus()

    @on(Button.Pressed, "#cancel")
    def _closed(self) -> None:
        self.dismiss(None)
