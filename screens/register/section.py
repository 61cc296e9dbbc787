"""The network register: organisations and people with search as you type, filters and
sorting; the pipeline of organisations by phase; and who to contact again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Input, TabbedContent, TabPane

from coordinator.context import Context
from coordinator.dashboard import DEFAULT_FOLLOWUP_WEEKS
from coordinator.i18n import N_, _, ngettext
from coordinator.labels import format_date, label
from coordinator.languages import language_name
from coordinator.register import contacts, organisations
from coordinator.register import listing as domain
from screens.base import SectionScreen
from screens.paged_table import Cell, PagedTable
from screens.register.actions import (
    add_organisation,
    add_person,
    change_organisation_phase,
    delete_organisation,
    delete_person,
    edit_organisation,
    edit_person,
    log_contact,
    merge_record,
)
from screens.text import Label, Static, one_line, styled
from screens.widgets import Select
from storage.enums import OrgKind, Phase, Topic

SEARCH_DELAY = 0.15
ORG_SORTS = ("name", "kind", "city", "phase", "membership", "last_contact")
PERSON_SORTS = ("name", "email", "language", "last_contact")
SORT_LABELS = {
    "name": N_("name"),
    "kind": N_("kind"),
    "city": N_("city"),
    "phase": N_("phase"),
    "membership": N_("membership"),
    "last_contact": N_("last contact"),
    "email": N_("e-mail"),
    "language": N_("language"),
}


# -- the register section ----------------------------------------------------------------------


def _choices(values: Sequence[Any], labeller: Callable[[Any], str]) -> list[tuple[str, Any]]:
    return [(labeller(v), v) for v in values]


class RegisterScreen(SectionScreen):
    BINDINGS = [
        Binding("o", "show_tab('organisations')", "Organisations", show=False),
        Binding("p", "show_tab('people')", "People", show=False),
        Binding("f", "show_tab('followups')", "Follow-ups", show=False),
        Binding("v", "show_tab('pipeline')", "Pipeline", show=False),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("l", "log_contact", "Log contact"),
        Binding("g", "phase", "Phase"),
        Binding("delete", "delete", "Delete"),
        Binding("s", "sort", "Sort", show=False),
        Binding("i", "import_csv", "Import a list"),
        Binding("c", "consent", "Consent for the list"),
        Binding("x", "export", "Export"),
        Binding("H", "record_changes", "Changes", key_display="H"),
        Binding("M", "merge", "Merge", key_display="M"),
    ]

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.org_filter = domain.OrganisationFilter()
        self.person_filter = domain.PersonFilter()
        self.followup_weeks = DEFAULT_FOLLOWUP_WEEKS
        self._search_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_frame()
        with TabbedContent(initial="organisations"):
            with TabPane(_("Organisations") + " (o)", id="organisations"):
                with Horizontal(classes="filters"):
                    yield Input(placeholder=_("Search name, city, notes …"), id="org-search")
                    yield Select(_choices(list(OrgKind), label), prompt=_("Kind"), id="org-kind")
                    yield Select(_choices(list(Topic), label), prompt=_("Topic"), id="org-topic")
                    yield Select(_choices(list(Phase), label), prompt=_("Phase"), id="org-phase")
                    yield Select([], prompt=_("City"), id="org-city")
                yield Label("", classes="list-summary", id="org-summary")
                yield PagedTable(
                    [
                        _("Name"),
                        _("Kind"),
                        _("City"),
                        _("Phase"),
                        _("Membership"),
                        _("Last contact"),
                    ],
                    self._organisations,
                    id="organisation-table",
                )
            with TabPane(_("People") + " (p)", id="people"):
                with Horizontal(classes="filters"):
                    yield Input(
                        placeholder=_("Search name, e-mail, phone, organisation, notes …"),
                        id="person-search",
                    )
                    yield Select([], prompt=_("Language"), id="person-language")
                yield Label("", classes="list-summary", id="person-summary")
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
            with TabPane(_("Follow-ups") + " (f)", id="followups"):
                with Horizontal(classes="filters"):
                    yield Label(_("Not contacted for weeks:"), classes="filter-label")
                    yield Input(str(self.followup_weeks), id="followup-weeks", type="integer")
                yield Label("", classes="list-summary", id="followup-summary")
                yield PagedTable(
                    [_("Last contact"), _("Who"), _("Kind")], self._followups, id="followup-table"
                )
            with TabPane(_("Pipeline") + " (v)", id="pipeline"):
                with Horizontal(id="pipeline-columns"):
                    for phase in Phase:
                        with VerticalScroll(classes="pipeline-column"):
                            yield Static(id=f"pipeline-{phase.value}")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.sub_title = _("Network register")
        self.table("organisations").focus()
        self.load_choices()
        self.load_pipeline()

    # -- data -------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="choices")
    def load_choices(self) -> None:
        cities = domain.cities(self.context.engine)
        languages = domain.languages(self.context.engine)
        self.app.call_from_thread(
            self.query_one("#org-city", Select).set_options, [(c, c) for c in cities]
        )
        self.app.call_from_thread(
            self.query_one("#person-language", Select).set_options,
            [(language_name(lang), lang) for lang in languages],
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="pipeline")
    def load_pipeline(self) -> None:
        columns = domain.pipeline(self.context.engine)

        def show() -> None:
            for phase, orgs in columns.items():
                names = "\n".join(one_line(name) for _i, name in orgs)
                heading = styled("[b]$count · $phase[/b]", phase=label(phase), count=len(orgs))
                self.query_one(f"#pipeline-{phase.value}", Static).update(
                    heading + Content("\n\n" + names)
                )

        self.app.call_from_thread(show)

    def _organisations(self, offset: int, limit: int) -> Sequence[tuple[int, Sequence[Cell]]]:
        flt = self.org_filter
        if offset == 0:
            rows, total = domain.first_organisations(self.context.engine, flt, limit=limit)
            self.app.call_from_thread(
                self._summary, "#org-summary", total, flt.sort, flt.descending
            )
        else:
            rows = domain.organisation_page(self.context.engine, flt, offset=offset, limit=limit)
        return [
            (row.id, (row.name, label(row.kind), f"{row.city} {row.district}".strip(), label(row.phase),
                      label(row.membership), format_date(row.last_contact_at.date() if row.last_contact_at else None)))
            for row in rows
        ]  # fmt: skip

    def _people(self, offset: int, limit: int) -> Sequence[tuple[int, Sequence[Cell]]]:
        flt = self.person_filter
        if offset == 0:
            rows, total = domain.first_people(self.context.engine, flt, limit=limit)
            self.app.call_from_thread(
                self._summary, "#person-summary", total, flt.sort, flt.descending
            )
        else:
            rows = domain.people_page(self.context.engine, flt, offset=offset, limit=limit)
        return [
            (row.id, (row.name, row.organisations, row.email, row.phone, language_name(row.preferred_language),
                      format_date(row.last_contact_at.date() if row.last_contact_at else None)))
            for row in rows
        ]  # fmt: skip

    def _followups(self, offset: int, limit: int) -> Sequence[tuple[int, Sequence[Cell]]]:
        found, total = contacts.followup_page(
            self.context, self.context.now(), weeks=self.followup_weeks, offset=offset, limit=limit
        )
        if offset == 0:
            text = ngettext(
                "{n} partner not contacted for {weeks} weeks",
                "{n} partners not contacted for {weeks} weeks",
                total,
            ).format(n=total, weeks=self.followup_weeks)
            self.app.call_from_thread(self.query_one("#followup-summary", Label).update, text)
        return [
            ((1 if f.kind == "organisation" else -1) * f.id,
             (format_date(f.last_contact_at.date()) if f.last_contact_at else _("never"), f.name,
              _("organisation") if f.kind == "organisation" else _("person")))
            for f in found
        ]  # fmt: skip

    def _summary(self, target: str, total: int, sort: str, descending: bool) -> None:
        arrow = "↓" if descending else "↑"
        if total > domain.COUNT_CAP:
            text = _("more than {n} entries").format(n=domain.COUNT_CAP)
        else:
            text = ngettext("{n} entry", "{n} entries", total).format(n=total)
        self.query_one(target, Label).update(
            f"{text} · {_('sorted by')} {_(SORT_LABELS[sort])} {arrow}"
        )

    # -- what the coordinator does ----------------------------------------------------------

    @property
    def tab(self) -> str:
        return self.query_one(TabbedContent).active

    def table(self, tab: str | None = None) -> PagedTable:
        ids = {
            "organisations": "#organisation-table",
            "people": "#people-table",
            "followups": "#followup-table",
        }
        return self.query_one(ids.get(tab or self.tab, "#organisation-table"), PagedTable)

    def selected_id(self) -> int | None:
        if self.tab not in ("organisations", "people", "followups"):
            return None
        table = self.table()
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def selected(self) -> tuple[str, int] | None:
        """(kind, id) of the highlighted row: kind is "organisation" or "person"."""
        record = self.selected_id()
        if record is None:
            return None
        if self.tab == "followups":
            return ("organisation", record) if record > 0 else ("person", -record)
        return ("organisation", record) if self.tab == "organisations" else ("person", record)

    def refresh_data(self) -> None:
        """Another coordinator changed the network: show it (dialogs above stay as typed)."""
        self.refresh_lists()

    def refresh_lists(self) -> None:
        for tab in ("organisations", "people", "followups"):
            self.table(tab).reload()
        self.load_pipeline()
        self.load_choices()

    def action_show_tab(self, tab: str) -> None:
        self.activate_tab(
            tab, None if tab == "pipeline" else lambda: self.set_focus(self.table(tab))
        )

    def search_keys(self) -> dict[str, Callable[[], None]]:
        return {"slash": self.action_search}

    def action_search(self) -> None:
        target = {
            "organisations": "#org-search",
            "people": "#person-search",
            "followups": "#followup-weeks",
        }
        if self.tab in target:
            self.search_in(self.query_one(target[self.tab], Input))

    @on(Input.Changed, "#org-search, #person-search, #followup-weeks")
    def _typed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(
            SEARCH_DELAY, lambda: self._apply_search(event.input.id or "", event.value)
        )

    def _apply_search(self, source: str, value: str) -> None:
        if source == "org-search":
            self.org_filter = replace(self.org_filter, text=value)
            self.table("organisations").reload()
        elif source == "person-search":
            self.person_filter = replace(self.person_filter, text=value)
            self.table("people").reload()
        elif value.isdigit() and int(value) > 0:
            self.followup_weeks = int(value)
            self.table("followups").reload()

    @on(Input.Submitted, "#org-search, #person-search, #followup-weeks")
    def _to_list(self) -> None:
        self.table().focus()

    @on(Select.Changed)
    def _filtered(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else event.value
        name = event.select.id
        if name == "person-language":
            self.person_filter = replace(self.person_filter, language=str(value or ""))
            self.table("people").reload()
            return
        field = {
            "org-kind": "kind",
            "org-topic": "topic",
            "org-phase": "phase",
            "org-city": "city",
        }.get(name or "")
        if field:
            self.org_filter = replace(
                self.org_filter, **{field: value if field != "city" else str(value or "")}
            )
            self.table("organisations").reload()

    def action_sort(self) -> None:
        if self.tab == "organisations":
            nxt = ORG_SORTS[(ORG_SORTS.index(self.org_filter.sort) + 1) % len(ORG_SORTS)]
            self.org_filter = replace(self.org_filter, sort=nxt)
            self.table().reload()
        elif self.tab == "people":
            nxt = PERSON_SORTS[
                (PERSON_SORTS.index(self.person_filter.sort) + 1) % len(PERSON_SORTS)
            ]
            self.person_filter = replace(self.person_filter, sort=nxt)
            self.table().reload()

    def on_data_table_header_selected(self, event: PagedTable.HeaderSelected) -> None:
        """Click a column header to sort by it; click again to reverse."""
        columns = {
            "organisations": ORG_SORTS,
            "people": ("name", None, "email", None, "language", "last_contact"),
        }
        sorts = columns.get(self.tab)
        if not sorts or event.column_index >= len(sorts) or sorts[event.column_index] is None:
            return
        key = sorts[event.column_index]
        if self.tab == "organisations":
            same = self.org_filter.sort == key
            self.org_filter = replace(
                self.org_filter, sort=key, descending=same and not self.org_filter.descending
            )
        else:
            same = self.person_filter.sort == key
            self.person_filter = replace(
                self.person_filter, sort=key, descending=same and not self.person_filter.descending
            )
        self.table().reload()

    def on_data_table_row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        from screens.register.details import OrganisationDetailScreen, PersonDetailScreen

        chosen = self.selected()
        if chosen is None:
            return
        kind, record = chosen
        screen = (
            OrganisationDetailScreen(self.context, record)
            if kind == "organisation"
            else PersonDetailScreen(self.context, record)
        )
        self.app.push_screen(screen, lambda changed: self.refresh_lists() if changed else None)

    def action_add(self) -> None:
        if self.tab == "people":
            add_person(self, self.context, self.refresh_lists)
        elif self.tab == "organisations":
            add_organisation(self, self.context, self.refresh_lists)

    def action_edit(self) -> None:
        chosen = self.selected()
        if chosen and chosen[0] == "organisation":
            edit_organisation(self, self.context, chosen[1], self.refresh_lists)
        elif chosen:
            edit_person(self, self.context, chosen[1], self.refresh_lists)

    def action_record_changes(self) -> None:
        from screens.changes import RecordChangesDialog

        chosen = self.selected()
        if chosen:
            kind, record = chosen
            self.app.push_screen(RecordChangesDialog(self.context, f"{kind}:{record}"))

    def action_merge(self) -> None:
        """The highlighted person or organisation merged into the one named in the dialog."""
        if chosen := self.selected():
            merge_record(self, self.context, *chosen, done=self.refresh_lists)

    def action_delete(self) -> None:
        chosen = self.selected()
        if chosen and chosen[0] == "organisation":
            delete_organisation(self, self.context, chosen[1], self.refresh_lists)
        elif chosen:
            delete_person(self, self.context, chosen[1], self.refresh_lists)

    def action_phase(self) -> None:
        chosen = self.selected()
        if chosen and chosen[0] == "organisation":
            current = organisations.input_of(self.context.engine, chosen[1])
            change_organisation_phase(
                self, self.context, chosen[1], current.name, self.refresh_lists
            )

    def action_log_contact(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        kind, record = chosen
        table = self.table()
        who = str(table.get_row_at(table.cursor_row)[1 if self.tab == "followups" else 0])
        if kind == "organisation":
            log_contact(self, self.context, who, self.refresh_lists, organisation_id=record)
        else:
            log_contact(self, self.context, who, self.refresh_lists, person_id=record)

    def action_export(self) -> None:
        from screens.export import ExportDialog

        self.app.push_screen(
            ExportDialog(self.context, "organisations" if self.tab == "organisations" else "people")
        )

    def action_consent(self) -> None:
        """Consent (date, purpose) for the people the list shows who have none yet."""
        from coordinator.register import consent
        from screens.register.consent_dialog import ConsentDialog

        if self.tab != "people":
            self.notify(_("Consent is given to people: p shows them, c then gives it."))
            return
        flt, engine, today = self.person_filter, self.context.engine, self.context.today()

        def given(count: object) -> None:
            if isinstance(count, int):
                self.notify(
                    ngettext(
                        "Consent recorded for {n} person.",
                        "Consent recorded for {n} people.",
                        count,
                    ).format(n=count)
                )
                self.table("people").reload()

        self.app.push_screen(
            ConsentDialog(
                consent.consent_plan(engine, flt), today,
                lambda on, purpose: consent.give_consent(engine, flt, on, purpose, today=today),
            ),
            given,
        )  # fmt: skip

    def action_import_csv(self) -> None:
        from screens.import_csv import ImportScreen

        kind = "organisations" if self.tab == "organisations" else "people"
        self.app.push_screen(
            ImportScreen(self.context, kind), lambda done: self.refresh_lists() if done else None
        )
