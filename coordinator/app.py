"""The Textual application: sections as modes, one context (engine, clock) handed down."""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import Provider
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from coordinator.context import Context
from coordinator.dashboard import Dashboard
from coordinator.i18n import _
from coordinator.network import identity
from coordinator.network.concurrency import blocked_message
from coordinator.network.freshness import ChangePoller
from screens.dashboard import DashboardScreen
from screens.translate import translate_bindings

if TYPE_CHECKING:
    from coordinator import records

# Section name -> (module, screen class). Sections other than the dashboard are imported when
# first shown (or by the warm-up after the dashboard has painted), keeping start-up short.
SECTIONS: dict[str, tuple[str, str]] = {
    "dashboard": ("screens.dashboard", "DashboardScreen"),
    "register": ("screens.register.section", "RegisterScreen"),
    "meetings": ("screens.meetings.section", "MeetingsScreen"),
    "tasks": ("screens.tasks", "TasksScreen"),
    "mail": ("screens.mail", "MailScreen"),
    "changes": ("screens.changes", "ChangesScreen"),
}
POLL_SECONDS = 2.0  # how often a SQLite network is checked for other coordinators' changes
RECONNECT_SECONDS = 10.0  # after the PostgreSQL connection that listens was lost


def section_screen(name: str) -> type[Screen[None]]:
    if name != "dashboard":  # the sections' tables (the dashboard has none: it starts faster)
        importlib.import_module("screens.table_widths")
    module, cls = SECTIONS[name]
    screen_type: type[Screen[None]] = getattr(importlib.import_module(module), cls)
    return screen_type


def _records_provider() -> type[Provider]:
    from screens.palette import RecordsProvider  # imported when the palette opens

    return RecordsProvider


class CoordinatorApp(App[None]):
    COMMANDS = App.COMMANDS | {_records_provider}
    CSS_PATH = Path(__file__).parent.parent / "screens" / "app.tcss"
    TITLE = "coordinator"
    BINDINGS = [
        Binding("d", "section('dashboard')", "Dashboard", id="section.dashboard"),
        Binding("n", "section('register')", "Network", id="section.register"),
        Binding("m", "section('meetings')", "Meetings", id="section.meetings"),
        Binding("t", "section('tasks')", "Tasks", id="section.tasks"),
        Binding("s", "section('mail')", "Mail", id="section.mail"),
        Binding("C", "section('changes')", "Changes", id="section.changes", key_display="C"),
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "toggle_keys", "Keys", key_display="?", id="keys"),
        Binding("f1", "toggle_keys", "Keys", show=False),
    ]

    def __init__(
        self,
        context: Context,
        *,
        dashboard: Dashboard | None = None,
        user: identity.Identity | None = None,
        watch_changes: bool = True,
    ) -> None:
        super().__init__()
        self.context = context
        self._first_dashboard = dashboard
        self.identity = user or (
            identity.Identity(context.actor, "session") if context.actor else identity.current()
        )
        self.title = self._title()
        self.sub_title = context.label
        self._watch_changes = watch_changes
        self._poller = ChangePoller(context)
        self._stop_listening = threading.Event()
        translate_bindings(self)
        self._warmed_up = False
        self._crash: BaseException | None = None
        for name in SECTIONS:
            if name != "dashboard":
                self.add_mode(name, lambda name=name: section_screen(name)(self.context))
        self.add_mode("dashboard", self._dashboard_screen)

    def _dashboard_screen(self) -> DashboardScreen:
        first, self._first_dashboard = self._first_dashboard, None
        return DashboardScreen(self.context, initial=first)

    def _title(self) -> str:
        """The header names who is working on every screen (sections set the sub-title)."""
        return _("coordinator · you: {name}").format(name=self.identity.name)

    def set_identity(self, user: identity.Identity) -> None:
        """Record this session's changes under ``user`` from now on (the header says so)."""
        self.identity = user
        if self.context.actor is None:
            identity.apply(user)
        self.title = self._title()

    def on_mount(self) -> None:
        self.switch_mode("dashboard")
        if self._watch_changes:
            if self.context.on_server:
                self.listen_for_changes()
            else:
                self.poll_for_changes()  # the first look only notes where the trail stands
                self.set_interval(POLL_SECONDS, self.poll_for_changes)

    def on_unmount(self) -> None:
        self._stop_listening.set()

    @work(thread=True, exclusive=True, exit_on_error=False, group="fresh")
    def poll_for_changes(self) -> None:
        if self._poller.changed():
            self.call_from_thread(self.external_change)

    def listen_for_changes(self) -> None:
        """A thread of its own (not a worker: it never completes, and waiting for the
        workers must not wait for it) that receives PostgreSQL's notifications."""
        from coordinator.network.freshness import listen

        def run() -> None:
            lost = False
            while not self._stop_listening.is_set():
                try:
                    stop = self._stop_listening.is_set
                    listen(self.context, stop, self._notified, catch_up=lost)
                except Exception:  # the server went away: try again in a while
                    lost = True
                    self._stop_listening.wait(RECONNECT_SECONDS)

        threading.Thread(target=run, name="coordinator-listen", daemon=True).start()

    def _notified(self, _actor: str) -> None:
        if not self._stop_listening.is_set():
            self.call_from_thread(self.external_change)

    def external_change(self) -> None:
        """Another coordinator changed the network: refresh the section or record shown.
        A dialog the user is typing in stays as it is (it is a screen of its own above)."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, ModalScreen):
                continue
            refresh = getattr(screen, "refresh_data", None)
            if callable(refresh):
                refresh()
            return

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

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Notifications carry names and titles from the network: always literal text."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def _fatal_error(self) -> None:
        """An unexpected error ends the app with exit status 1 and a report that holds no
        personal data: where it happened and the kind of error, without Textual's local
        variables or the error's message (both can hold names, addresses and notes)."""
        from coordinator.crash import report

        self.bell()
        error = self._crash or sys.exc_info()[1]
        self._exit_renderables.append(Text(report(error)))
        self._close_messages_no_wait()

    def _handle_exception(self, error: Exception) -> None:
        self._crash = self._crash or error
        super()._handle_exception(error)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error:
            message = blocked_message(event.worker.error)
            if message:
                self.notify(message, severity="warning", timeout=8)

    def action_section(self, name: str) -> None:
        if name in SECTIONS and self.current_mode != name:
            self.switch_mode(name)

    def open_record(self, found: records.Found) -> None:
        """A record the command palette found: its detail view, or its list with it shown."""
        from screens.meetings.meeting import MeetingScreen
        from screens.register.details import OrganisationDetailScreen, PersonDetailScreen

        if found.kind == "person":
            self.push_screen(PersonDetailScreen(self.context, found.id))
        elif found.kind == "organisation":
            self.push_screen(OrganisationDetailScreen(self.context, found.id))
        elif found.kind == "meeting":
            meeting_id = found.id
            if found.occurrence is not None:  # a series' next date, made a row when opened
                from coordinator.meetings import meetings

                meeting_id = meetings.occurrence(self.context.engine, found.id, found.occurrence)
            self.push_screen(MeetingScreen(self.context, meeting_id))
        else:
            self.action_section("tasks")
            tab = "list" if found.kind == "task" else "decisions"
            self.call_after_refresh(lambda: self.screen.show_found(tab, found.title))  # type: ignore[attr-defined]

    def action_toggle_keys(self) -> None:
        """`?` or F1: every key of the current screen, of the focused list or field and of
        the app, in the user's language (the dialog closes on the same keys)."""
        from screens.keys import KeysDialog, key_groups

        if not isinstance(self.screen, KeysDialog):
            self.push_screen(KeysDialog(key_groups(self.screen, self)))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        names = {
            "dashboard": (_("Dashboard"), _("Meetings, tasks and partners that need attention")),
            "register": (_("Network register"), _("Organisations and contact people")),
            "meetings": (_("Meetings"), _("Upcoming and past meetings")),
            "tasks": (_("Tasks"), _("Open tasks, most urgent first")),
            "mail": (_("Mail"), _("Announcements to groups of partners, and what was sent")),
            "changes": (_("Changes"), _("Who changed what, and your name")),
        }
        for name, (title, help_text) in names.items():
            yield SystemCommand(title, help_text, lambda name=name: self.action_section(name))
        yield SystemCommand(
            _("Keys"),
            _("Every key of this screen and of the app (? or F1)"),
            self.action_toggle_keys,
        )
        yield SystemCommand(_("Quit"), _("Quit the application"), self.exit)
