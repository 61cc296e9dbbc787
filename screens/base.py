"""The frame every section screen shares: header, footer, translated bindings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, TabPane

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
        translate_bindings(self)

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
