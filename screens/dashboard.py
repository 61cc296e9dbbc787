"""The dashboard: what needs the coordinator's attention today.

Each panel is one Static holding a summary line and a Rich table: the dashboard is the
first screen, and this paints markedly faster than four DataTables (bench/startup.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Grid
from textual.message import Message

from coordinator import dashboard as domain
from coordinator.context import Context
from coordinator.i18n import _, ngettext
from coordinator.labels import format_date, format_when
from screens.base import SectionScreen
from screens.text import Static, cell


class Panel(Static):
    """A titled box: a summary line over a table of a few rows."""

    def __init__(self, title: str, panel_id: str) -> None:
        super().__init__(_("Loading…"), classes="panel", id=panel_id)
        self.border_title = title

    def show(
        self,
        summary: str,
        rows: Iterable[Sequence[str | Text]],
        ratios: Sequence[int | None] = (None, 1, None),
    ) -> None:
        """Columns with a ratio share the room that the natural-width ones (None) leave."""
        table = Table(show_header=False, box=None, padding=(0, 1, 0, 0), expand=True)
        for ratio in ratios:
            table.add_column(
                ratio=ratio, min_width=6 if ratio else None, no_wrap=True, overflow="ellipsis"
            )
        for row in rows:
            table.add_row(*(cell(c) for c in row))
        self.update(Group(Text(summary, style="dim"), table))


class DashboardScreen(SectionScreen):
    BINDINGS = [("r", "refresh", "Refresh")]

    class Shown(Message):
        """The dashboard shows data (the app warms up the rest after the first one)."""

    def __init__(self, context: Context, *, initial: domain.Dashboard | None = None) -> None:
        super().__init__(context)
        self._initial = initial
        self._shown_at = 0.0
        self._data: domain.Dashboard | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_frame()
        with Grid(id="dashboard-grid"):
            yield Panel(_("Next meetings"), "next-meetings")
            yield Panel(_("Tasks due"), "tasks-due")
            yield Panel(_("Partners to contact"), "followups")
            yield Panel(_("Open date polls"), "open-polls")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.sub_title = _("Dashboard")
        if self._initial is not None:
            self.show(self._initial)  # read before the app started: paint it at once
            self._initial = None
        else:
            self.action_refresh()

    def on_screen_resume(self) -> None:
        # Coming back from another section: the user may have just added or finished a task
        # there, so read again (a thread, about a millisecond on the sample network; the old
        # figures stay on screen until the new ones arrive).
        if self._shown_at:
            self.action_refresh()

    def action_refresh(self) -> None:
        self.load()

    def refresh_data(self) -> None:
        """Another coordinator changed the network: show it (dialogs above stay as typed)."""
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        data = domain.load(self.context, self.context.now())
        self.app.call_from_thread(self.show, data)

    def _panel(self, panel_id: str) -> Panel:
        return self.query_one(f"#{panel_id}", Panel)

    def on_resize(self) -> None:
        if self._data is not None:
            self.show(self._data)  # narrow or wide: the meetings' dates take less or more room

    def show(self, data: domain.Dashboard) -> None:
        self._data = data
        # At 80 columns a panel has about 34 cells: the date without weekday and year and the
        # answers as "3/5" leave the meeting's title room to be read.
        narrow = self.size.width < 100
        self._panel("next-meetings").show(
            _("No meetings in the next 60 days.")
            if not data.next_meetings
            else _("In the next 60 days:"),
            (
                (
                    format_when(occ, short=narrow),
                    occ.title,
                    f"{occ.rsvp.accepted}/{occ.rsvp.invited}"
                    if narrow
                    else _("{yes}/{invited} accepted").format(
                        yes=occ.rsvp.accepted, invited=occ.rsvp.invited
                    ),
                )
                for occ in data.next_meetings
            ),
        )
        overdue = [
            (Text(format_date(t.due_on), style="bold red"), t.title, t.owner) for t in data.overdue
        ]
        this_week = [(format_date(t.due_on), t.title, t.owner) for t in data.due_this_week]
        self._panel("tasks-due").show(
            _("{overdue} overdue, {week} due in the next 7 days").format(
                overdue=data.overdue_count, week=data.due_this_week_count
            ),
            overdue + this_week,
            (None, 3, 1),
        )
        self._panel("followups").show(
            ngettext(
                "{n} partner not contacted for {weeks} weeks",
                "{n} partners not contacted for {weeks} weeks",
                data.followup_count,
            ).format(n=data.followup_count, weeks=domain.DEFAULT_FOLLOWUP_WEEKS),
            (
                (
                    format_date(f.last_contact_at.date()) if f.last_contact_at else _("never"),
                    f.name,
                    _("organisation") if f.kind == "organisation" else _("person"),
                )
                for f in data.followups
            ),
        )
        self._panel("open-polls").show(
            _("No open date polls.") if not data.open_polls else _("Waiting for answers:"),
            (
                (
                    p.title,
                    ngettext("{n} slot", "{n} slots", p.slots).format(n=p.slots),
                    ngettext("{n} answer", "{n} answers", p.respondents).format(n=p.respondents),
                )
                for p in data.open_polls
            ),
            (1, None, None),
        )
        self._shown_at = time.monotonic()
        self.post_message(self.Shown())
