"""The dashboard: what needs the coordinator's attention today."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import DataTable, Static

from coordinator import dashboard as domain
from coordinator.i18n import _, ngettext
from coordinator.labels import format_date, format_when
from screens.base import SectionScreen


class Panel(Vertical):
    """A titled box holding one table."""

    def __init__(self, title: str, table_id: str) -> None:
        super().__init__(classes="panel")
        self.border_title = title
        self._table_id = table_id

    def compose(self) -> ComposeResult:
        yield Static(_("Loading…"), classes="panel-summary", id=f"{self._table_id}-summary")
        table: DataTable[str | Text] = DataTable(
            id=self._table_id, cursor_type="row", show_header=False
        )
        yield table


class DashboardScreen(SectionScreen):
    BINDINGS = [("r", "refresh", "Refresh")]

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
        self.action_refresh()

    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        data = domain.load(self.context.engine, self.context.now())
        self.app.call_from_thread(self.show, data)

    def _table(self, table_id: str) -> DataTable[str | Text]:
        return self.query_one(f"#{table_id}", DataTable)

    def _summary(self, table_id: str, text: str) -> None:
        self.query_one(f"#{table_id}-summary", Static).update(text)

    def show(self, data: domain.Dashboard) -> None:
        meetings = self._table("next-meetings")
        meetings.clear(columns=True)
        meetings.add_columns("when", "what", "rsvp")
        for occ in data.next_meetings:
            rsvp = _("{yes}/{invited} yes").format(yes=occ.rsvp.accepted, invited=occ.rsvp.invited)
            meetings.add_row(format_when(occ), occ.title, rsvp)
        self._summary(
            "next-meetings",
            _("No meetings in the next 60 days.")
            if not data.next_meetings
            else _("In the next 60 days:"),
        )

        tasks = self._table("tasks-due")
        tasks.clear(columns=True)
        tasks.add_columns("due", "task", "owner")
        for line in data.overdue:
            tasks.add_row(Text(format_date(line.due_on), style="bold red"), line.title, line.owner)
        for line in data.due_this_week:
            tasks.add_row(format_date(line.due_on), line.title, line.owner)
        self._summary(
            "tasks-due",
            _("{overdue} overdue, {week} due in the next 7 days").format(
                overdue=data.overdue_count, week=data.due_this_week_count
            ),
        )

        followups = self._table("followups")
        followups.clear(columns=True)
        followups.add_columns("last", "who", "kind")
        for item in data.followups:
            last = format_date(item.last_contact_at.date()) if item.last_contact_at else _("never")
            kind = _("organisation") if item.kind == "organisation" else _("person")
            followups.add_row(last, item.name, kind)
        self._summary(
            "followups",
            ngettext(
                "{n} partner not contacted for {weeks} weeks",
                "{n} partners not contacted for {weeks} weeks",
                data.followup_count,
            ).format(n=data.followup_count, weeks=domain.DEFAULT_FOLLOWUP_WEEKS),
        )

        polls = self._table("open-polls")
        polls.clear(columns=True)
        polls.add_columns("what", "slots", "answers")
        for poll in data.open_polls:
            polls.add_row(
                poll.title,
                ngettext("{n} slot", "{n} slots", poll.slots).format(n=poll.slots),
                ngettext("{n} answer", "{n} answers", poll.respondents).format(n=poll.respondents),
            )
        self._summary(
            "open-polls",
            _("No open date polls.") if not data.open_polls else _("Waiting for answers:"),
        )
