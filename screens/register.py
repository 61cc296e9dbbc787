"""The network register: organisations and contact people, one tab each."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.widgets import TabbedContent, TabPane

from coordinator import register as domain
from coordinator.i18n import _
from coordinator.labels import format_date, label
from screens.base import SectionScreen
from screens.paged_table import Cell, PagedTable


class RegisterScreen(SectionScreen):
    BINDINGS = [
        ("o", "show_tab('organisations')", "Organisations"),
        ("p", "show_tab('people')", "People"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_frame()
        with TabbedContent(initial="organisations"):
            with TabPane(_("Organisations"), id="organisations"):
                yield PagedTable(
                    [
                        _("Name"),
                        _("Kind"),
                        _("District"),
                        _("Phase"),
                        _("Membership"),
                        _("Last contact"),
                    ],
                    self._organisations,
                    id="organisation-table",
                )
            with TabPane(_("People"), id="people"):
                yield PagedTable(
                    [
                        _("Name"),
                        _("Organisations"),
                        _("E-mail"),
                        _("Phone"),
                        _("Language"),
                        _("Last contact"),
                    ],
                    self._people,
                    id="people-table",
                )
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.sub_title = _("Network register")

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self.query_one(f"#{tab} PagedTable", PagedTable).focus()

    def _organisations(self, offset: int, limit: int) -> Sequence[tuple[int, Sequence[Cell]]]:
        return [
            (
                row.id,
                (
                    row.name,
                    label(row.kind),
                    row.district,
                    label(row.phase),
                    label(row.membership),
                    format_date(row.last_contact_at.date() if row.last_contact_at else None),
                ),
            )
            for row in domain.organisation_page(self.context.engine, offset=offset, limit=limit)
        ]

    def _people(self, offset: int, limit: int) -> Sequence[tuple[int, Sequence[Cell]]]:
        return [
            (
                row.id,
                (
                    row.name,
                    row.organisations,
                    row.email,
                    row.phone,
                    row.preferred_language,
                    format_date(row.last_contact_at.date() if row.last_contact_at else None),
                ),
            )
            for row in domain.people_page(self.context.engine, offset=offset, limit=limit)
        ]
