"""Meetings: what is coming up (series expanded) and what took place."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.widgets import TabbedContent, TabPane

from coordinator.i18n import _
from coordinator.labels import format_when, label
from coordinator.schedule import Occurrence, past_page, upcoming_page
from screens.base import SectionScreen
from screens.paged_table import Cell, PagedTable

UPCOMING_DAYS = 365


class MeetingsScreen(SectionScreen):
    BINDINGS = [
        ("u", "show_tab('upcoming')", "Upcoming"),
        ("p", "show_tab('past')", "Past"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_frame()
        columns = [_("When"), _("Meeting"), _("Kind"), _("Place"), _("Answers"), _("ID")]
        with TabbedContent(initial="upcoming"):
            with TabPane(_("Upcoming"), id="upcoming"):
                yield PagedTable(columns, self._upcoming, id="upcoming-table")
            with TabPane(_("Past"), id="past"):
                yield PagedTable(columns, self._past, id="past-table")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.sub_title = _("Meetings")

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self.query_one(f"#{tab} PagedTable", PagedTable).focus()

    @staticmethod
    def _cells(occ: Occurrence) -> Sequence[Cell]:
        answers = _("{yes}/{invited} yes").format(yes=occ.rsvp.accepted, invited=occ.rsvp.invited)
        return (
            format_when(occ),
            occ.title,
            label(occ.kind),
            occ.location,
            answers,
            str(occ.meeting_id),
        )

    def _upcoming(self, offset: int, limit: int) -> Sequence[tuple[int, Sequence[Cell]]]:
        found = upcoming_page(
            self.context, self.context.now(), days=UPCOMING_DAYS, offset=offset, limit=limit
        )
        return [(offset + n, self._cells(occ)) for n, occ in enumerate(found)]

    def _past(self, offset: int, limit: int) -> Sequence[tuple[int, Sequence[Cell]]]:
        found = past_page(self.context, self.context.now(), offset=offset, limit=limit)
        return [(offset + n, self._cells(occ)) for n, occ in enumerate(found)]
