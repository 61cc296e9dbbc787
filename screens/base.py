"""The frame every section screen shares: header, footer, translated bindings."""

from __future__ import annotations

from collections.abc import Callable

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

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context
        self._painted = False
        translate_bindings(self)

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
            tables[0].focus()
