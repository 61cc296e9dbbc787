"""The Textual application: sections as modes, one context (engine, clock) handed down."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from coordinator.context import Context
from coordinator.dashboard import Dashboard
from coordinator.i18n import _
from screens.dashboard import DashboardScreen
from screens.translate import translate_bindings

# Section name -> (module, screen class). Sections other than the dashboard are imported when
# first shown (or by the warm-up after the dashboard has painted), keeping start-up short.
SECTIONS: dict[str, tuple[str, str]] = {
    "dashboard": ("screens.dashboard", "DashboardScreen"),
    "register": ("screens.register", "RegisterScreen"),
    "meetings": ("screens.meetings", "MeetingsScreen"),
    "tasks": ("screens.tasks", "TasksScreen"),
    "mail": ("screens.mail", "MailScreen"),
}


def section_screen(name: str) -> type[Screen[None]]:
    module, cls = SECTIONS[name]
    screen_type: type[Screen[None]] = getattr(importlib.import_module(module), cls)
    return screen_type


class CoordinatorApp(App[None]):
    CSS_PATH = Path(__file__).parent.parent / "screens" / "app.tcss"
    TITLE = "coordinator"
    BINDINGS = [
        Binding("d", "section('dashboard')", "Dashboard", id="section.dashboard"),
        Binding("n", "section('register')", "Network", id="section.register"),
        Binding("m", "section('meetings')", "Meetings", id="section.meetings"),
        Binding("t", "section('tasks')", "Tasks", id="section.tasks"),
        Binding("s", "section('mail')", "Mail", id="section.mail"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, context: Context, *, dashboard: Dashboard | None = None) -> None:
        super().__init__()
        self.context = context
        self._first_dashboard = dashboard
        self.title = "coordinator"
        self.sub_title = context.label
        translate_bindings(self)
        self._warmed_up = False
        for name in SECTIONS:
            if name != "dashboard":
                self.add_mode(name, lambda name=name: section_screen(name)(self.context))
        self.add_mode("dashboard", self._dashboard_screen)

    def _dashboard_screen(self) -> DashboardScreen:
        first, self._first_dashboard = self._first_dashboard, None
        return DashboardScreen(self.context, initial=first)

    def on_mount(self) -> None:
        self.switch_mode("dashboard")

    @on(DashboardScreen.Shown)
    def _after_first_paint(self) -> None:
        if not self._warmed_up:
            self._warmed_up = True
            self.set_timer(0.3, self.warm_up)  # after the dashboard has reached the screen

    @work(thread=True, exit_on_error=False, group="warm-up")
    def warm_up(self) -> None:
        """Load the database toolkit and the other sections while the user reads."""
        _ = self.context.engine
        for name in SECTIONS:
            section_screen(name)

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
