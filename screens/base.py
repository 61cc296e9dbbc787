"""The frame every section screen shares: header, footer, translated bindings."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, TabbedContent, TabPane

from coordinator.context import Context
from screens.translate import translate_bindings
from screens.widgets import DataTable


class SectionScreen(Screen[None]):
    """A main section of the app (dashboard, register, meetings, tasks). Esc or Down in a
    search or filter box goes to the list below it, where the section's single-letter keys
    act; while the box has the focus, typing only types."""

    BINDINGS = [
        Binding("escape", "leave_field", show=False),
        Binding("down", "leave_field", show=False),
    ]

    TYPE_AHEAD = 0.5  # seconds after a key opened a search box: letters still on their way

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context
        self._painted = False
        self._type_ahead: tuple[Input, float] | None = None
        translate_bindings(self)

    def search_in(self, field: Input) -> None:
        """Put the cursor in ``field`` for typing. Keys typed right after the one that asked
        ("/Hollmann" in one go) were already sent to the list before the focus moved, where
        "H" opened the changes and the rest was lost; for a moment they go into the field."""
        self.set_focus(field)
        self._type_ahead = (field, time.monotonic() + self.TYPE_AHEAD)

    def search_keys(self) -> dict[str, Callable[[], None]]:
        """The keys that open a search box (like "/"), acted on as they arrive: their binding
        would run only after the letters typed behind them had been sent to the list."""
        return {}

    def on_key(self, event: events.Key) -> None:
        opens = self.search_keys().get(event.key)
        if opens is not None and not isinstance(self.focused, Input):
            event.stop()
            event.prevent_default()
            opens()
            return
        if self._type_ahead is None:
            return
        field, until = self._type_ahead
        if time.monotonic() > until or not field.is_attached:
            self._type_ahead = None
            return
        # (A letter typed into the field itself stops there; one that reaches the screen was
        # sent to the list before the focus moved.)
        if event.character and event.is_printable:
            field.insert_text_at_cursor(event.character)
            event.stop()
            event.prevent_default()

    def on_mount(self) -> None:  # runs with the subclass's own on_mount (Textual calls both)
        self.call_after_refresh(self._first_paint_done)

    def _first_paint_done(self) -> None:
        self._painted = True

    def activate_tab(self, tab: str, then: Callable[[], None] | None = None) -> None:
        """Show the tab ``tab``, then run ``then`` (focus its list). A key typed right after
        the one that opened the section ("m" then "p") arrives while the tabs are still
        activating their first tab, which would win: such a key waits for the first paint."""
        if not self._painted:
            self.call_after_refresh(self.activate_tab, tab, then)
            return
        self.query_one(TabbedContent).active = tab
        if then is not None:
            then()

    def compose_frame(self) -> ComposeResult:
        yield Header(show_clock=False)

    def compose_footer(self) -> ComposeResult:
        yield Footer()

    def action_leave_field(self) -> None:
        field = self.focused
        if not isinstance(field, Input):
            return
        area = next((a for a in field.ancestors if isinstance(a, TabPane)), self)
        tables = [t for t in area.query(DataTable) if t.display]
        if tables:
            self.set_focus(tables[0])
