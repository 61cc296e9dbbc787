"""Detail views of one organisation or one person: their data, people or organisations,
meetings, tasks and contact log, with the actions a coordinator takes from there."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header

from coordinator.context import Context
from coordinator.i18n import _
from coordinator.labels import format_date, format_moment, format_start, label
from coordinator.languages import language_name, language_names
from coordinator.register.details import (
    LogLine,
    MeetingLine,
    OrganisationDetail,
    PersonDetail,
    TaskLine,
    organisation_detail,
    person_detail,
)
from screens.after_work import DismissAfterWork
from screens.text import Static, literal, one_line
from screens.translate import translate_bindings


def _section(
    title: str, header: Sequence[str], rows: Iterable[Sequence[str]], empty: str
) -> RenderableType:
    table = Table(*header, box=None, padding=(0, 2, 0, 0), header_style="bold", expand=False)
    count = 0
    for row in rows:
        table.add_row(*(literal(c) for c in row))
        count += 1
    body: RenderableType = table if count else Text(empty, style="dim")
    return Group(Text(title, style="bold underline"), body, Text(""))


def _meetings(lines: list[MeetingLine]) -> RenderableType:
    return _section(
        _("Meetings"), (_("When"), _("Meeting"), _("Answer")),
        ((format_start(m.starts_at, m.timezone, m.all_day), m.title, label(m.rsvp) if m.rsvp else "") for m in lines),
        _("No meetings."),
    )  # fmt: skip


def _tasks(lines: list[TaskLine]) -> RenderableType:
    return _section(
        _("Tasks"), (_("Due"), _("Task"), _("Status")),
        ((format_date(t.due_on), t.title, label(t.status)) for t in lines),
        _("No tasks."),
    )  # fmt: skip


def _contacts(lines: list[LogLine]) -> RenderableType:
    return _section(
        _("Contact log"), (_("When"), _("How"), _("With"), _("Note")),
        ((format_date(c.occurred_at.date()), label(c.channel), c.person or c.organisation, c.note) for c in lines),
        _("No contacts recorded yet."),
    )  # fmt: skip


def _heading(name: str) -> Text:
    """The record's name on a line of its own (``literal`` ends without a line break, so
    the first fact ran into it: "Miriam Aksoy-BrandtE-Mail")."""
    heading = literal(name, style="bold")
    heading.end = "\n"
    return heading


def _facts(pairs: Iterable[tuple[str, str]]) -> RenderableType:
    table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
    table.add_column(style="bold")
    table.add_column()
    for key, value in pairs:
        table.add_row(key, literal(value or "–", lines=True))
    return Group(table, Text(""))


class DetailScreen(DismissAfterWork, Screen[bool]):
    """Shared frame; ``changed`` tells the list to reload when the screen closes."""

    BINDINGS = [("escape", "close", "Back")]

    def __init__(self, context: Context, record_id: int) -> None:
        super().__init__()
        self.context = context
        self.record_id = record_id
        self.changed = False
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(_("Loading…"), id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def action_close(self) -> None:
        self.dismiss(self.changed)

    def refresh_data(self) -> None:
        """Another coordinator changed the network: show it (dialogs above stay as typed)."""
        self.reload()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def reload(self) -> None:
        try:
            body = self.render_detail()
        except LookupError:
            self.dismiss_after_work(True)
            return
        self.app.call_from_thread(self.query_one("#detail", Static).update, body)

    def render_detail(self) -> RenderableType:
        raise NotImplementedError


class OrganisationDetailScreen(DetailScreen):
    BINDINGS = [
        ("escape", "close", "Back"),
        ("e", "edit", "Edit"),
        ("g", "phase", "Phase"),
        ("l", "log_contact", "Log contact"),
        ("delete", "delete", "Delete"),
    ]
    detail: OrganisationDetail | None = None

    def render_detail(self) -> RenderableType:
        d = organisation_detail(self.context.engine, self.record_id)
        self.detail = d
        self.app.call_from_thread(setattr, self, "sub_title", one_line(d.name))
        history = " → ".join(
            f"{label(to)} ({format_date(on)})" for on, _from, to in d.phase_history
        )
        return Group(
            _heading(d.name),
            _facts(
                [
                    (_("Kind"), label(d.kind)),
                    (_("Origin or community"), d.origin),
                    (_("City"), f"{d.city} {d.district}".strip()),
                    (_("Topics"), ", ".join(label(t) for t in d.topics)),
                    (
                        _("Phase"),
                        f"{label(d.phase)} ({_('since')} {format_date(d.phase_changed_on)})",
                    ),
                    (_("Phase history"), history),
                    (_("Membership"), label(d.membership)),
                    (_("Website"), d.website),
                    (
                        _("Last contact"),
                        format_date(d.last_contact_at.date()) if d.last_contact_at else _("never"),
                    ),
                    (_("Notes"), d.notes),
                ]
            ),
            _section(
                _("People"),
                (_("Name"), _("Role")),
                ((name, role) for _i, name, role in d.people),
                _("No people yet."),
            ),
            _meetings(d.meetings),
            _tasks(d.tasks),
            _contacts(d.contacts),
        )

    def action_edit(self) -> None:
        from screens.register.actions import edit_organisation

        edit_organisation(self, self.context, self.record_id, self._after_change)

    def action_phase(self) -> None:
        from screens.register.actions import change_organisation_phase

        if self.detail:
            change_organisation_phase(
                self,
                self.context,
                self.record_id,
                self.detail.name,
                self._after_change,
            )

    def action_log_contact(self) -> None:
        from screens.register.actions import log_contact

        if self.detail:
            log_contact(
                self,
                self.context,
                self.detail.name,
                self._after_change,
                organisation_id=self.record_id,
            )

    def action_delete(self) -> None:
        from screens.register.actions import delete_organisation

        delete_organisation(self, self.context, self.record_id, self._after_delete)

    def _after_change(self) -> None:
        self.changed = True
        self.reload()

    def _after_delete(self) -> None:
        self.dismiss(True)


class PersonDetailScreen(DetailScreen):
    BINDINGS = [
        ("escape", "close", "Back"),
        ("e", "edit", "Edit"),
        ("l", "log_contact", "Log contact"),
        ("x", "gdpr_export", "GDPR export"),
        ("delete", "delete", "Delete"),
        ("ctrl+x", "erase", "Erase (GDPR)"),
    ]
    detail: PersonDetail | None = None

    def render_detail(self) -> RenderableType:
        d = person_detail(self.context.engine, self.record_id)
        self.detail = d
        self.app.call_from_thread(setattr, self, "sub_title", one_line(d.name))
        consent = (
            f"{format_date(d.consent_on)}: {d.consent_purpose}"
            if d.consent_on
            else _("no consent recorded")
        )
        return Group(
            _heading(d.name),
            _facts(
                [
                    (_("E-mail"), d.email),
                    (_("Phone"), d.phone),
                    (_("Languages"), language_names(d.languages)),
                    (_("Preferred language"), language_name(d.preferred_language)),
                    (_("Consent"), consent),
                    (
                        _("Last contact"),
                        format_date(d.last_contact_at.date()) if d.last_contact_at else _("never"),
                    ),
                    (_("Notes"), d.notes),
                    (_("ID"), str(d.id)),
                ]
            ),
            _section(
                _("Organisations"),
                (_("Organisation"), _("Role")),
                ((name, role) for _i, name, role in d.organisations),
                _("No organisation."),
            ),
            _meetings(d.meetings),
            _tasks(d.tasks),
            _contacts(d.contacts),
            _section(
                _("Messages sent"),
                (_("When"), _("Subject"), _("Status")),
                (
                    (format_moment(m.sent_at) if m.sent_at else "", m.subject, label(m.status))
                    for m in d.messages
                ),
                _("No messages sent yet."),
            ),
        )

    def action_edit(self) -> None:
        from screens.register.actions import edit_person

        edit_person(self, self.context, self.record_id, self._after_change)

    def action_log_contact(self) -> None:
        from screens.register.actions import log_contact

        if self.detail:
            log_contact(
                self, self.context, self.detail.name, self._after_change, person_id=self.record_id
            )

    def action_gdpr_export(self) -> None:
        from screens.register.actions import gdpr_export

        gdpr_export(self, self.context, self.record_id)

    def action_delete(self) -> None:
        from screens.register.actions import delete_person

        delete_person(self, self.context, self.record_id, self._after_delete)

    def action_erase(self) -> None:
        from screens.register.actions import erase_person

        erase_person(self, self.context, self.record_id, self._after_delete)

    def _after_change(self) -> None:
        self.changed = True
        self.reload()

    def _after_delete(self) -> None:
        self.dismiss(True)
