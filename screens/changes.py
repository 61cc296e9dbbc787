"""The audit trail on screen: recent changes of the network (a section), and the changes of
one record (a dialog opened from the record with H). The section also shows and sets who is
working (the name every change is recorded under)."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical

from coordinator.i18n import _
from coordinator.labels import format_datetime
from coordinator.network import changes, identity
from coordinator.network.changes import ChangeEntry
from coordinator.validation import ValidationError
from screens.base import SectionScreen
from screens.dialogs import Dialog
from screens.text import Label, Static
from screens.widgets import Button, DataTable

COLUMNS = (
    lambda: _("When"), lambda: _("Who"), lambda: _("What"), lambda: _("Record"), lambda: _("Change")
)  # fmt: skip


class ChangeDetail(Static):
    """The highlighted change in full, wrapped (the table's last column is cut at its edge)."""

    def show(self, entry: ChangeEntry | None) -> None:
        if entry is None:
            self.update("")
            return
        who = f"{format_datetime(entry.at)} · {entry.actor} · {entry.what} {entry.action}"
        self.update(f"{who}: {entry.record}\n{entry.summary}")


def fill(table: DataTable[str], entries: list[ChangeEntry], *, record: bool = True) -> None:
    """Show ``entries`` in ``table``, keeping the cursor on its row when it is still there
    (``record``: with the record's name, left out where all rows are of one record)."""
    keep = None
    if table.row_count:
        keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    table.clear()
    for entry in entries:
        cells = [format_datetime(entry.at), entry.actor, f"{entry.what} {entry.action}"]
        table.add_row(*cells, *([entry.record] if record else []), entry.summary, key=str(entry.id))
    keys = [str(entry.id) for entry in entries]
    if keep in keys:
        table.move_cursor(row=keys.index(keep), scroll=False)


class RecordChangesDialog(Dialog):
    """Who changed one record (and its parts, such as a meeting's agenda), newest first."""

    def __init__(self, context: object, subject: str) -> None:
        super().__init__()
        self.context, self.subject = context, subject
        self.entries: dict[str, ChangeEntry] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            name = changes.record_name(self.context.engine, self.subject)  # type: ignore[attr-defined]
            yield Label(_("Changes: {record}").format(record=name), classes="dialog-title")
            yield DataTable(id="record-changes", cursor_type="row")
            yield ChangeDetail("", classes="change-detail")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Close"), id="cancel")

    def on_mount(self) -> None:
        table = self.query_one("#record-changes", DataTable)
        table.add_columns(*(column() for index, column in enumerate(COLUMNS) if index != 3))
        entries = changes.recent(self.context.engine, subject=self.subject)  # type: ignore[attr-defined]
        self.entries = {str(entry.id): entry for entry in entries}
        fill(table, entries, record=False)
        if not entries:
            self.notify(_("No changes recorded."))
        table.focus()

    @on(DataTable.RowHighlighted, "#record-changes")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.query_one(ChangeDetail).show(self.entries.get(str(event.row_key.value)))

    @on(Button.Pressed, "#cancel")
    def _closed(self) -> None:
        self.dismiss(None)


class ChangesScreen(SectionScreen):
    """Recent changes by every coordinator; Enter shows only the chosen record's."""

    BINDINGS = [
        Binding("a", "everything", "All changes"),
        Binding("i", "identity", "Your name"),
    ]

    subject: str | None = None
    subjects: dict[str, str] = {}
    entries: dict[str, ChangeEntry] = {}

    def compose(self) -> ComposeResult:
        yield from self.compose_frame()
        with Vertical():
            yield Label("", id="identity", classes="section-title")
            yield Label("", id="changes-summary")
            yield DataTable(id="changes", cursor_type="row", zebra_stripes=True)
            yield ChangeDetail("", classes="change-detail")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#changes", DataTable).add_columns(*(column() for column in COLUMNS))
        self.sub_title = _("Changes")
        self.show_identity()
        self.refresh_data()

    def show_identity(self) -> None:
        name = self.app.identity.name  # type: ignore[attr-defined]
        self.query_one("#identity", Label).update(
            _("You are working as {name} (i: change).").format(name=name)
        )

    def refresh_data(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="changes")
    def load(self) -> None:
        entries = changes.recent(self.context.engine, subject=self.subject)
        self.app.call_from_thread(self._show, entries)

    def _show(self, entries: list[ChangeEntry]) -> None:
        self.entries = {str(entry.id): entry for entry in entries}
        self.subjects = {str(entry.id): entry.subject for entry in entries}
        fill(self.query_one("#changes", DataTable), entries)
        if self.subject and entries:
            text = _("Changes of {record} ({n}); a: all changes").format(
                record=entries[0].record, n=len(entries)
            )
        else:
            text = _("The latest {n} changes by every coordinator; Enter: only that record").format(
                n=len(entries)
            )
        self.query_one("#changes-summary", Label).update(text)

    def _selected_subject(self) -> str | None:
        table = self.query_one("#changes", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.subjects.get(str(key))

    @on(DataTable.RowHighlighted, "#changes")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.query_one(ChangeDetail).show(self.entries.get(str(event.row_key.value)))

    @on(DataTable.RowSelected, "#changes")
    def action_only_record(self) -> None:
        subject = self._selected_subject()
        if subject:
            self.subject = subject
            self.load()

    def action_everything(self) -> None:
        self.subject = None
        self.load()

    def action_identity(self) -> None:
        """Ask for the name every change of this user account is recorded under."""
        from screens.minutes import TextDialog

        def saved(result: Any) -> None:
            if result is None:
                return
            try:
                user = identity.save(result["text"])
            except ValidationError as exc:
                self.notify("; ".join(exc.errors.values()), severity="error")
                return
            self.app.set_identity(user)  # type: ignore[attr-defined]
            self.show_identity()
            self.notify(_("Your changes are now recorded as {name}.").format(name=user.name))

        current = self.app.identity.name  # type: ignore[attr-defined]
        self.app.push_screen(
            TextDialog(_("Who is working?"), current, placeholder=_("Your name")), saved
        )
