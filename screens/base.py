"""The frame every section screen shares: header, footer, translated bindings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header

from coordinator.context import Context
from screens.translate import translate_bindings


class SectionScreen(Screen[None]):
    """A main section of the app (dashboard, register, meetings, tasks)."""

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context
        translate_bindings(self)

    def compose_frame(self) -> ComposeResult:
        yield Header(show_clock=False)

    def compose_footer(self) -> ComposeResult:
        yield Footer()
