"""Meetings: the agenda list of what is coming up (series expanded), the week and the month
as calendars, and what took place. Enter opens a meeting; a adds one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import TabbedContent, TabPane

from coordinator.i18n import N_, _
from coordinator.labels import format_date, format_when, label, weekday
from coordinator.meetings import meetings
from coordinator.meetings.schedule import Occurrence, past_page, upcoming_page
from coordinator.meetings.weeks import HOME, by_day, month_grid, week_start
from screens.base import SectionScreen
from screens.meetings.dialogs import MeetingForm
from screens.paged_table import Cell, PagedTable
from screens.text import Static, one_line

UPCOMING_DAYS = 365
MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)


class MeetingsScreen(SectionScreen):
    BINDINGS = [
        Binding("u", "show_tab('upcoming')", "Upcoming", show=False),
        Binding("w", "show_tab('week')", "Week", show=False),
        Binding("o", "show_tab('month')", "Month", show=False),
        Binding("p", "show_tab('past')", "Past", show=False),
        Binding("a", "add", "New meeting"),
        Binding("x", "export_calendar", "Export .ics"),
        Binding("i", "import_calendar", "Import .ics"),
        Binding("H", "record_changes", "Changes", key_display="H"),
        Binding("comma", "shift(-1)", "Earlier", key_display=","),
        Binding("full_stop", "shift(1)", "Later", key_display="."),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shown: dict[str, Occurrence] = {}
        self.day = self.context.now().astimezone(HOME).date()

    def compose(self) -> ComposeResult:
        yield from self.compose_frame()
        columns = [_("When"), _("Meeting"), _("Kind"), _("Place"), _("Answers"), _("ID")]
        with TabbedContent(initial="upcoming"):
            with TabPane(_("Upcoming") + " (u)", id="upcoming"):
                yield PagedTable(columns, self._upcoming, id="upcoming-table")
            with TabPane(_("Week") + " (w)", id="week"):
                yield Static(id="week-view")
            with TabPane(_("Month") + " (o)", id="month"):
                yield Static(id="month-view")
            with TabPane(_("Past") + " (p)", id="past"):
                yield PagedTable(columns, self._past, id="past-table")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.sub_title = _("Meetings")
        self.query_one("#upcoming-table", PagedTable).focus()
        self.load_calendars()

    def action_show_tab(self, tab: str) -> None:
        def focus_list() -> None:
            tables = self.query(f"#{tab} PagedTable")
            if tables:
                tables.first().focus()

        self.activate_tab(tab, focus_list)

    def action_shift(self, step: int) -> None:
        tab = self.query_one(TabbedContent).active
        if tab == "week":
            self.day += timedelta(days=7 * step)
        elif tab == "month":
            self.day = (self.day.replace(day=15) + timedelta(days=30 * step)).replace(day=1)
        self.load_calendars()

    def _cells(self, key: str, occ: Occurrence) -> Sequence[Cell]:
        self.shown[key] = occ
        answers = _("{yes}/{invited} accepted").format(
            yes=occ.rsvp.accepted, invited=occ.rsvp.invited
        )
        return (
            format_when(occ),
            occ.title,
            label(occ.kind),
            occ.location,
            answers,
            str(occ.meeting_id),
        )

    def _upcoming(self, offset: int, limit: int) -> Sequence[tuple[str, Sequence[Cell]]]:
        found = upcoming_page(
            self.context, self.context.now(), days=UPCOMING_DAYS, offset=offset, limit=limit
        )
        return [
            (f"u{offset + n}", self._cells(f"u{offset + n}", occ)) for n, occ in enumerate(found)
        ]

    def _past(self, offset: int, limit: int) -> Sequence[tuple[str, Sequence[Cell]]]:
        found = past_page(self.context, self.context.now(), offset=offset, limit=limit)
        return [
            (f"p{offset + n}", self._cells(f"p{offset + n}", occ)) for n, occ in enumerate(found)
        ]

    @work(thread=True, exclusive=True, exit_on_error=False, group="calendar")
    def load_calendars(self) -> None:
        day = self.day
        monday = week_start(day)
        weeks = month_grid(day)
        week = by_day(self.context, monday, monday + timedelta(days=6))
        month = by_day(self.context, weeks[0][0], weeks[-1][-1])
        self.app.call_from_thread(self._show_calendars, day, monday, week, weeks, month)

    def _show_calendars(
        self,
        day: date,
        monday: date,
        week: dict[date, list[Occurrence]],
        weeks: list[list[date]],
        month: dict[date, list[Occurrence]],
    ) -> None:
        table = Table(
            expand=True,
            show_lines=True,
            title=_("Week of {day}").format(day=format_date(monday)) + "   (, .)",
        )
        for offset in range(7):
            current = monday + timedelta(days=offset)
            table.add_column(f"{weekday(current)} {format_date(current)}", ratio=1)
        table.add_row(
            *[self._day_cell(week.get(monday + timedelta(days=i), []), long=True) for i in range(7)]
        )
        self.query_one("#week-view", Static).update(table)

        grid = Table(
            expand=True, show_lines=True, title=f"{_(MONTHS[day.month - 1])} {day.year}   (, .)"
        )
        for offset in range(7):
            grid.add_column(weekday(weeks[0][offset]), ratio=1)
        for row in weeks:
            grid.add_row(*[self._month_cell(d, day.month, month.get(d, [])) for d in row])
        self.query_one("#month-view", Static).update(grid)

    @staticmethod
    def _day_cell(found: list[Occurrence], *, long: bool) -> Text:
        text = Text()
        for occ in found:
            text.append(f"{occ.local_start:%H:%M} " if not occ.all_day else "", style="bold")
            text.append(one_line(occ.title) + "\n")
            if long and occ.location:
                text.append(one_line(occ.location) + "\n", style="dim")
        return text

    def _month_cell(self, current: date, month: int, found: list[Occurrence]) -> Text:
        text = Text(f"{current.day}\n", style="bold" if current.month == month else "dim")
        for occ in found[:3]:
            text.append(
                ("" if occ.all_day else f"{occ.local_start:%H:%M} ")
                + one_line(occ.title)[:18]
                + "\n"
            )
        if len(found) > 3:
            text.append(_("+{n} more").format(n=len(found) - 3), style="dim")
        return text

    def on_data_table_row_selected(self, event: PagedTable.RowSelected) -> None:
        occ = self.shown.get(str(event.row_key.value))
        if occ is None:
            return
        meeting_id = occ.meeting_id
        if occ.series_id == occ.meeting_id:  # an occurrence of a series without a row yet
            meeting_id = meetings.occurrence(self.context.engine, occ.series_id, occ.starts_at)
        self.open_meeting(meeting_id)

    def action_record_changes(self) -> None:
        """The changes of the highlighted meeting (of its series, for a date of a series that
        was never changed on its own)."""
        from screens.changes import RecordChangesDialog

        table = self.focused
        if not isinstance(table, PagedTable) or table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        occ = self.shown.get(str(key))
        if occ is not None:
            self.app.push_screen(RecordChangesDialog(self.context, f"meeting:{occ.meeting_id}"))

    def open_meeting(self, meeting_id: int) -> None:
        from screens.meetings.meeting import MeetingScreen

        self.app.push_screen(
            MeetingScreen(self.context, meeting_id),
            lambda changed: self.refresh_all() if changed else None,
        )

    def refresh_data(self) -> None:
        """Another coordinator changed the network: show it (dialogs above stay as typed)."""
        self.refresh_all()

    def refresh_all(self) -> None:
        for table in self.query(PagedTable):
            table.reload()
        self.load_calendars()

    def action_export_calendar(self) -> None:
        from screens.meetings.calendar_files import CalendarExportDialog

        self.app.push_screen(CalendarExportDialog(self.context))

    def action_import_calendar(self) -> None:
        from screens.meetings.calendar_files import CalendarImportDialog

        self.app.push_screen(
            CalendarImportDialog(self.context),
            lambda changed: self.refresh_all() if changed else None,
        )

    def action_add(self) -> None:
        created: list[int] = []

        def save(value: meetings.MeetingInput) -> None:
            created.append(meetings.create_meeting(self.context.engine, value))

        def done(ok: Any) -> None:
            if ok and created:
                self.refresh_all()
                self.open_meeting(created[0])

        start = meetings.MeetingInput(
            day=format_date(self.day + timedelta(days=7)),
            organiser=meetings.default_organiser(self.context.engine),
        )
        self.app.push_screen(MeetingForm(_("New meeting"), start, save), done)
