"""The Textual application: sections as modes, one context (engine, clock) handed down."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from coordinator.context import Context
from coordinator.i18n import _
from screens.dashboard import DashboardScreen
from screens.meetings import MeetingsScreen
from screens.register import RegisterScreen
from screens.tasks import TasksScreen
from screens.translate import translate_bindings

SECTIONS: dict[str, type[Screen[None]]] = {
    "dashboard": DashboardScreen,
    "register": RegisterScreen,
    "meetings": MeetingsScreen,
    "tasks": TasksScreen,
}


class CoordinatorApp(App[None]):
    CSS_PATH = Path(__file__).parent.parent / "screens" / "app.tcss"
    TITLE = "coordinator"
    BINDINGS = [
        Binding("d", "section('dashboard')", "Dashboard", id="section.dashboard"),
        Binding("n", "section('register')", "Network", id="section.register"),
        Binding("m", "section('meetings')", "Meetings", id="section.meetings"),
        Binding("t", "section('tasks')", "Tasks", id="section.tasks"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context
        self.title = "coordinator"
        self.sub_title = context.label
        translate_bindings(self)
        for name, screen_type in SECTIONS.items():
            self.add_mode(name, lambda screen_type=screen_type: screen_type(self.context))

    def on_mount(self) -> None:
        self.switch_mode("dashboard")

    def action_section(self, name: str) -> None:
        if name in SECTIONS and self.current_mode != name:
            self.switch_mode(name)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        names = {
            "dashboard": (_("Dashboard"), _("Meetings, tasks and partners that need attention")),
            "register": (_("Network register"), _("Organisations and contact people")),
            "meetings": (_("Meetings"), _("Upcoming and past meetings")),
            "tasks": (_("Tasks"), _("Open tasks, most urgent first")),
        }
        for name, (title, help_text) in names.items():
            yield SystemCommand(title, help_text, lambda name=name: self.action_section(name))
        yield SystemCommand(_("Quit"), _("Quit the application"), self.exit)
