"""Writing the minutes during the meeting, from the keyboard: attendance (p / e / a), notes
per agenda item (Enter), decisions (d), action items (t), approval (ctrl+a) and reopening
(ctrl+o). Approved minutes refuse changes with a clear message."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input

from coordinator.context import Context
from coordinator.documents import FORMATS
from coordinator.i18n import _
from coordinator.labels import format_date, format_start, label
from coordinator.minutes import minutes as domain
from coordinator.minutes.minutes_files import render_minutes
from coordinator.minutes.overview import MinutesView, minutes_view
from coordinator.minutes.tasks import checked_task, owner_filter
from coordinator.validation import ValidationError
from screens.complete import NameComplete
from screens.conflict import attempt, refuse_busy, save_checked
from screens.dialogs import ConfirmDialog, Dialog, NotesDialog, TaskDialog
from screens.documents import write_documents
from screens.text import Label, Static, one_line, styled
from screens.translate import translate_bindings
from screens.widgets import Button, DataTable, SaveButton, Select
from storage.enums import AttendanceStatus, DecisionKind

ATTENDANCE_KEYS = {
    "p": AttendanceStatus.PRESENT,
    "e": AttendanceStatus.EXCUSED,
    "a": AttendanceStatus.ABSENT,
}


class TextDialog(Dialog):
    """One or two fields: returns {"text": ..., "kind": ...} (kind for decisions)."""

    def __init__(
        self, title: str, value: str = "", *, kinds: bool = False, placeholder: str = "",
        names: tuple[str, ...] = (), save: Callable[[dict[str, str]], object] | None = None,
    ) -> None:  # fmt: skip
        """``names``: the register's kinds of names to suggest while typing (like "person").
        ``save``: writes what was typed before the dialog closes; a ValidationError is named
        under the field and the dialog stays open with the text."""
        super().__init__()
        self._title, self._value, self._kinds, self._placeholder = title, value, kinds, placeholder
        self._names, self._write = names, save

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self._title, classes="dialog-title")
            text = Input(value=self._value, placeholder=self._placeholder, id="text")
            yield text
            if self._names:
                yield NameComplete(text, self._names)
            if self._kinds:
                yield Select(
                    [(label(k), k.value) for k in DecisionKind],
                    value=DecisionKind.DECISION.value,
                    allow_blank=False,
                    id="kind",
                )
            yield Label("", classes="field-error", id="text-error")
            with Horizontal(classes="dialog-buttons"):
                yield SaveButton()
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#text", Input).focus()

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def _save(self) -> None:
        kind = self.query("#kind")
        result = {
            "text": self.query_one("#text", Input).value,
            "kind": str(kind.first().value) if kind else "",  # type: ignore[attr-defined]
        }
        if self._write is not None:
            try:
                self._write(result)
            except ValidationError as exc:
                self.query_one("#text-error", Label).update("\n".join(exc.errors.values()))
                self.query_one("#text", Input).focus()
                return
            except Exception as exc:  # (another writer held the lock: the text stays)
                refuse_busy(self, exc)
                return
        self.dismiss(result)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)


class MinutesScreen(Screen[bool]):
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("p", "attendance('p')", "Present"),
        Binding("e", "attendance('e')", "Excused"),
        Binding("a", "attendance('a')", "Absent", show=False),
        Binding("g", "guest", "Guest"),
        Binding("k", "minute_taker", "Minute-taker"),
        Binding("d", "decision", "Decision"),
        Binding("t", "action_item", "Action item"),
        Binding("ctrl+a", "approve", "Approve"),
        Binding("ctrl+o", "reopen", "Reopen"),
        Binding("w", "write", "Minutes files"),
    ]

    def __init__(self, context: Context, meeting_id: int) -> None:
        super().__init__()
        self.context = context
        self.meeting_id = meeting_id
        self.view: MinutesView | None = None
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(_("Loading…"), id="minutes-state")
            yield Label(
                _("Attendance") + "  (p / e / a, g " + _("guest") + ")", classes="section-title"
            )
            yield DataTable(id="attendance-table", cursor_type="row")
            yield Label(
                _("Agenda items") + "  (Enter: " + _("notes") + ")", classes="section-title"
            )
            yield DataTable(id="items-table", cursor_type="row")
            yield Label(_("Decisions and agreements") + "  (d)", classes="section-title")
            yield DataTable(id="decisions-table", cursor_type="row")
            yield Label(_("Action items") + "  (t)", classes="section-title")
            yield DataTable(id="actions-table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        domain.start_minutes(self.context.engine, self.meeting_id)
        self.reload()
        self.query_one("#attendance-table").focus()

    def refresh_data(self) -> None:
        """Another coordinator changed the network: show it (dialogs above stay as typed)."""
        self.reload()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def reload(self) -> None:
        view = minutes_view(self.context.engine, self.meeting_id)
        self.app.call_from_thread(self.show, view)

    def _fill(self, table_id: str, header: list[str], rows: list[tuple[Any, ...]]) -> None:
        table = self.query_one(table_id, DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        table.add_columns(*header)
        for key, *cells in rows:
            table.add_row(*cells, key=str(key))
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))

    def show(self, view: MinutesView) -> None:
        self.view = view
        self.sub_title = _("Minutes: {title}").format(title=one_line(view.title))
        state = (
            _("approved: read-only (ctrl+o reopens)") if view.status == "approved" else _("draft")
        )
        when = format_start(view.starts_at, view.timezone, view.all_day) if view.starts_at else ""
        taker = (
            _("minutes taken by {name}").format(name=view.minute_taker)
            if view.minute_taker
            else _("no minute-taker yet (k)")
        )
        self.query_one("#minutes-state", Static).update(
            styled(
                "[b]$title[/b] · $when · $taker · $state",
                title=view.title,
                when=when,
                taker=taker,
                state=state,
            )
        )
        self._fill(
            "#attendance-table",
            [_("Name"), _("Status")],
            [
                (i, n, label(s) + (f" ({_('expected')})" if i in view.expected else ""))
                for i, n, s in view.attendance
            ],
        )
        self._fill(
            "#items-table", [_("Item"), _("Notes")], [(i, t, n or "–") for i, t, n in view.items]
        )
        self._fill(
            "#decisions-table",
            [_("Kind"), _("Decision"), _("Agenda item")],
            [(i, label(k), t, item or "–") for i, k, t, item in view.decisions],
        )
        self._fill(
            "#actions-table", [_("Task"), _("Owner"), _("Due"), _("Status")],
            [(i, t, o or "–", format_date(d), label(s)) for i, t, o, d, s in view.actions],
        )  # fmt: skip

    def _guard(self, action: Any) -> bool:
        if not attempt(self, action):
            return False
        self.reload()
        return True

    def _key(self, table_id: str) -> int | None:
        table = self.query_one(table_id, DataTable)
        if table.row_count == 0:
            return None
        return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0)

    def action_close(self) -> None:
        self.dismiss(True)

    def action_attendance(self, key: str) -> None:
        row = self._key("#attendance-table")
        if row is not None and self.focused is self.query_one("#attendance-table"):
            table = self.query_one("#attendance-table", DataTable)
            if self._guard(
                lambda: domain.set_attendance_row(
                    self.context.engine, self.meeting_id, row, ATTENDANCE_KEYS[key]
                )
            ):
                table.move_cursor(row=table.cursor_row + 1)

    def _saved(self, result: Any) -> None:
        if result is not None:
            self.reload()

    def action_minute_taker(self) -> None:
        def save(result: dict[str, str]) -> None:
            owner = owner_filter(self.context.engine, result["text"])
            if "owner_person_id" not in owner:
                raise ValidationError({"minute_taker": _("The minutes are taken by a person.")})
            domain.set_minute_taker(self.context.engine, self.meeting_id, owner["owner_person_id"])

        self.app.push_screen(
            TextDialog(
                _("Minute-taker"), placeholder=_("Name as in the register"), names=("person",),
                save=save,
            ),
            self._saved,
        )  # fmt: skip

    def action_guest(self) -> None:
        def save(result: dict[str, str]) -> None:
            domain.add_guest(self.context.engine, self.meeting_id, result["text"])

        self.app.push_screen(
            TextDialog(_("Guest"), placeholder=_("Name of the guest"), save=save), self._saved
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id != "items-table" or self.view is None:
            return
        item_id = int(event.row_key.value or 0)
        current = next((n for i, _t, n in self.view.items if i == item_id), "")
        version = self.view.version  # the notes shown are of this version

        def done(result: Any) -> None:
            if result is None:
                return
            save_checked(
                self,
                lambda expected: domain.set_item_notes(
                    self.context.engine, self.meeting_id, item_id, result["text"],
                    expected_version=expected,
                ),
                version, done=self.reload, reload=self.reload,
                yours=[_("notes: {value}").format(value=result["text"] or "–")],
            )  # fmt: skip

        self.app.push_screen(NotesDialog(_("Notes"), current), done)

    def action_decision(self) -> None:
        item = self._key("#items-table") if self.focused is self.query_one("#items-table") else None

        def save(result: dict[str, str]) -> None:
            domain.add_decision(
                self.context.engine, self.meeting_id, result["text"],
                kind=DecisionKind(result["kind"]), agenda_item_id=item,
            )  # fmt: skip

        self.app.push_screen(
            TextDialog(_("Decision or agreement"), kinds=True, save=save), self._saved
        )

    def action_action_item(self) -> None:
        item = self._key("#items-table") if self.focused is self.query_one("#items-table") else None

        def done(values: Any) -> None:
            if values:
                values.pop("notes", None)
                self._guard(
                    lambda: domain.add_action_item(
                        self.context.engine, self.meeting_id, agenda_item_id=item, **values
                    )
                )

        check = partial(checked_task, self.context.engine)
        self.app.push_screen(TaskDialog(_("New action item"), check, ask_notes=False), done)

    def action_approve(self) -> None:
        """Asks once, then approves; approved minutes are not asked about again."""
        if self.view is not None and self.view.status == "approved":
            self.notify(_("These minutes are already approved (ctrl+o reopens them)."))
            return

        def done(confirmed: Any) -> None:
            if confirmed and self._guard(
                lambda: domain.approve(self.context.engine, self.meeting_id)
            ):
                self.notify(_("Minutes approved."))

        title = self.view.title if self.view is not None else ""
        self.app.push_screen(
            ConfirmDialog(
                _("Approve the minutes?"),
                _("The minutes of “{title}” become read-only; ctrl+o reopens them with a reason.").format(title=one_line(title)),
                _("Approve"),
            ),
            done,
        )  # fmt: skip

    def action_reopen(self) -> None:
        def save(result: dict[str, str]) -> None:
            domain.reopen(self.context.engine, self.meeting_id, reason=result["text"])

        self.app.push_screen(
            TextDialog(_("Reopen the minutes"), placeholder=_("Why? (recorded)"), save=save),
            self._saved,
        )

    def action_write(self, folder: Path | None = None) -> None:
        write_documents(
            self,
            f"minutes-{self.meeting_id}",
            lambda fmt: render_minutes(self.context.engine, self.meeting_id, fmt),
            FORMATS,
            folder,
        )
