"""Tasks: a board by status and a filtered list, with quick keys to change status, reassign
and postpone (each change recorded in the task's history)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Input, TabbedContent, TabPane

from coordinator.i18n import _, ngettext
from coordinator.labels import format_date, label
from coordinator.minutes import tasks as domain
from coordinator.minutes.minutes import set_decision_status
from coordinator.minutes.minutes_files import decision_rows
from coordinator.network.concurrency import version_of
from coordinator.register.names import meeting_named
from coordinator.validation import ValidationError
from screens.base import SectionScreen
from screens.complete import NameComplete
from screens.conflict import attempt, save_checked
from screens.dialogs import NotesDialog, TaskDialog
from screens.paged_table import Cell, PagedTable
from screens.task_board import TaskBoard
from screens.text import Label, one_line
from screens.widgets import DataTable, Select
from storage.enums import DecisionStatus, TaskStatus
from storage.models import Task

STATUS_KEYS = {
    "1": TaskStatus.OPEN,
    "2": TaskStatus.IN_PROGRESS,
    "3": TaskStatus.DONE,
    "4": TaskStatus.DROPPED,
}
STATE_CHOICES = {
    "open": domain.OPEN_STATES,
    "done": (TaskStatus.DONE,),
    "dropped": (TaskStatus.DROPPED,),
    "all": tuple(TaskStatus),
}


class TasksScreen(SectionScreen):
    BINDINGS = [
        Binding("b", "show_tab('board')", "Board", show=False),
        Binding("l", "show_tab('list')", "List", show=False),
        Binding("a", "add", "New task"),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("1", "status('1')", "Open", key_display="1"),
        Binding("2", "status('2')", "In progress", key_display="2"),
        Binding("3", "status('3')", "Done", key_display="3"),
        Binding("4", "status('4')", "Dropped", key_display="4"),
        Binding("r", "reassign", "Reassign"),
        Binding("plus", "postpone", "+1 week", key_display="+"),
        Binding("f", "fold_dropped", "Fold dropped"),
        Binding("h", "history", "History"),
        Binding("H", "record_changes", "Changes", key_display="H"),
        Binding("o", "notes", "Notes"),
        Binding("c", "show_tab('decisions')", "Decisions", show=False),
        Binding("v", "decision_status('valid')", "Valid", show=False),
        Binding("x", "decision_status('revoked')", "Revoked", show=False),
        Binding("z", "decision_status('replaced')", "Replaced", show=False),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filter = domain.TaskFilter()
        self.versions: dict[int, int] = {}  # of the rows shown: a quick change checks them
        self._search_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_frame()
        with TabbedContent(initial="board"):
            with TabPane(_("Board") + " (b)", id="board"):
                yield TaskBoard()
            with TabPane(_("List") + " (l)", id="list"):
                with Horizontal(classes="filters"):
                    yield Input(placeholder=_("Search tasks …"), id="task-search")
                    owner = Input(placeholder=_("Owner"), id="task-owner-filter")
                    yield owner
                    yield NameComplete(owner, ["person", "organisation"])
                    meeting = Input(placeholder=_("Meeting"), id="task-meeting-filter")
                    yield meeting
                    yield NameComplete(meeting, ["meeting"])
                    yield Select(
                        [
                            (_("overdue"), "overdue"),
                            (_("this week"), "week"),
                            (_("later"), "later"),
                            (_("no date"), "none"),
                        ],
                        prompt=_("Due"),
                        id="task-due",
                    )
                    yield Select(
                        [(_("open and in progress"), "open"), (_("done"), "done"), (_("dropped"), "dropped"), (_("all"), "all")],
                        value="open", allow_blank=False, id="task-states",
                    )  # fmt: skip
                yield Label("", classes="list-summary", id="task-summary")
                yield PagedTable(
                    [_("Due"), _("Task"), _("Status"), _("Priority"), _("Owner"), _("Meeting")],
                    self._tasks,
                    id="task-table",
                )
            with TabPane(_("Decisions") + " (c)", id="decisions"):
                yield Input(placeholder=_("Search decisions …"), id="decision-search")
                yield Label(_("v valid · x revoked · z replaced"), classes="list-summary")
                yield DataTable(id="decision-table", cursor_type="row")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.sub_title = _("Tasks")
        self.load_board()
        self.query_one(f"#board-{TaskStatus.OPEN.value}", DataTable).focus()

    @work(thread=True, exclusive=True, exit_on_error=False, group="board")
    def load_board(self) -> None:
        columns = domain.board(
            self.context.engine,
            replace(self.filter, states=tuple(TaskStatus)),
            today=self.context.today(),
            per_column=100,
        )
        self.app.call_from_thread(self._show_board, columns)

    def _show_board(self, columns: list[domain.BoardColumn]) -> None:
        for column in columns:
            for row in column.tasks:
                self.versions[row.id] = row.version
        self.query_one(TaskBoard).show(columns, self.context.today())

    def action_fold_dropped(self) -> None:
        board = self.query_one(TaskBoard)
        board.toggle_dropped()
        self.notify(
            _("The dropped column is folded (f shows it).")
            if board.dropped_folded
            else _("The dropped column is shown (f folds it).")
        )

    def _tasks(self, offset: int, limit: int) -> Sequence[tuple[int, Sequence[Cell]]]:
        today = self.context.today()
        if offset == 0:
            total = domain.count_tasks(self.context.engine, self.filter, today=today)
            self.app.call_from_thread(
                self.query_one("#task-summary", Label).update,
                ngettext("{n} task", "{n} tasks", total).format(n=total),
            )
        result: list[tuple[int, Sequence[Cell]]] = []
        for row in domain.task_page(
            self.context.engine, self.filter, offset=offset, limit=limit, today=today
        ):
            self.versions[row.id] = row.version
            overdue = (
                row.due_on is not None and row.due_on < today and row.status in domain.OPEN_STATES
            )
            due: Cell = (
                Text(format_date(row.due_on), style="bold red")
                if overdue
                else format_date(row.due_on)
            )
            result.append(
                (
                    row.id,
                    (
                        due,
                        row.title,
                        label(row.status),
                        label(row.priority),
                        row.owner,
                        row.meeting,
                    ),
                )
            )
        return result

    def refresh_data(self) -> None:
        """Another coordinator changed the network: show it (dialogs above stay as typed)."""
        self.refresh_tasks()

    def refresh_tasks(self) -> None:
        self.load_board()
        self.query_one("#task-table", PagedTable).reload()

    def action_show_tab(self, tab: str) -> None:
        def focus_and_load() -> None:
            # The list opens in its search box: typing searches ("Stand" opened New task);
            # Esc or Down goes to the list, where the keys act.
            if tab == "list":
                self.search_in(self.query_one("#task-search", Input))
            else:
                targets = {"decisions": "#decision-table"}
                self.set_focus(self.query_one(targets.get(tab, f"#board-{TaskStatus.OPEN.value}")))
            if tab == "decisions":
                self.load_decisions()

        self.activate_tab(tab, focus_and_load)

    def show_found(self, tab: str, text: str) -> None:
        """A task or decision the command palette found: its list, searched for its words."""
        words = " ".join(one_line(text).split()[:8])
        field = "#task-search" if tab == "list" else "#decision-search"
        self.query_one(field, Input).value = words
        self.action_show_tab(tab)
        if tab == "list":
            self._filter_typed()

    @work(thread=True, exclusive=True, exit_on_error=False, group="decisions")
    def load_decisions(self) -> None:
        text = self.query_one("#decision-search", Input).value
        rows = decision_rows(self.context.engine, text=text)
        self.app.call_from_thread(self._show_decisions, rows)

    def _show_decisions(self, rows: list[tuple[Any, ...]]) -> None:
        table = self.query_one("#decision-table", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        table.add_columns(_("Date"), _("Kind"), _("Decision"), _("Meeting"), _("Status"))
        for decision_id, day, kind, text, meeting, status in rows:
            table.add_row(format_date(day), _(kind), text, meeting, _(status), key=str(decision_id))
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))

    @on(Input.Submitted, "#decision-search")
    def _decisions_searched(self) -> None:
        self.load_decisions()
        self.query_one("#decision-table").focus()

    def action_decision_status(self, status: str) -> None:
        table = self.query_one("#decision-table", DataTable)
        if self.focused is not table or table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        set_decision_status(self.context.engine, int(key or 0), DecisionStatus(status))
        self.load_decisions()

    def selected_task(self) -> int | None:
        focused = self.focused
        if not isinstance(focused, DataTable) or focused.row_count == 0:
            return None
        key = focused.coordinate_to_cell_key(focused.cursor_coordinate).row_key.value
        return int(key) if key and key.isdigit() else None

    def shown_version(self, task_id: int) -> int:
        """The version of the task as this screen shows it (read now if not shown)."""
        if task_id not in self.versions:
            self.versions[task_id] = version_of(self.context.engine, Task, task_id)
        return self.versions[task_id]

    def action_status(self, key: str) -> None:
        task_id = self.selected_task()
        if task_id is None:
            return
        status = STATUS_KEYS[key]

        def done() -> None:
            self.notify(_("Task is now: {status}").format(status=label(status)))
            self.refresh_tasks()

        save_checked(
            self,
            lambda version: domain.set_status(
                self.context.engine, task_id, status, expected_version=version
            ),
            self.shown_version(task_id),
            done=done,
            reload=self.refresh_tasks,
            yours=[_("status: {value}").format(value=label(status))],
        )

    def action_notes(self) -> None:
        task_id = self.selected_task()
        if task_id is None:
            return
        version = version_of(self.context.engine, Task, task_id)  # before the text it guards

        def done(result: Any) -> None:
            if result is None:
                return
            save_checked(
                self,
                lambda expected: domain.set_notes(
                    self.context.engine, task_id, result["text"], expected_version=expected
                ),
                version,
                done=self.refresh_tasks,
                reload=self.action_notes,
                yours=[_("notes: {value}").format(value=result["text"] or "–")],
            )

        self.app.push_screen(
            NotesDialog(_("Notes"), domain.notes_of(self.context.engine, task_id)), done
        )

    def action_history(self) -> None:
        task_id = self.selected_task()
        if task_id is None:
            return
        lines = [
            f"{format_date(at.date())}  {field}: {old or '–'} → {new or '–'}"
            for at, field, old, new in domain.history(self.context.engine, task_id)
        ]
        self.notify("\n".join(lines) or _("No changes recorded."), title=_("History"), timeout=15)

    def action_record_changes(self) -> None:
        from screens.changes import RecordChangesDialog

        task_id = self.selected_task()
        if task_id is not None:
            self.app.push_screen(RecordChangesDialog(self.context, f"task:{task_id}"))

    def action_postpone(self) -> None:
        task_id = self.selected_task()
        if task_id is None:
            return

        def save(version: int) -> None:
            new = domain.postpone(
                self.context.engine, task_id, days=7, today=self.context.today(),
                expected_version=version,
            )  # fmt: skip
            self.notify(_("Due on {day}").format(day=format_date(new)))

        save_checked(
            self, save, self.shown_version(task_id), done=self.refresh_tasks,
            reload=self.refresh_tasks, yours=[_("due: one week later")],
        )  # fmt: skip

    def _owner(self, text: str) -> dict[str, int]:
        return domain.owner_filter(self.context.engine, text) if text.strip() else {}

    def action_reassign(self) -> None:
        task_id = self.selected_task()
        if task_id is None:
            return
        version = self.shown_version(task_id)

        def chosen(owner: Any) -> None:
            if not owner:
                return
            save_checked(
                self,
                lambda expected: domain.reassign(
                    self.context.engine, task_id, expected_version=expected,
                    person_id=owner["owner_person_id"], organisation_id=owner["owner_organisation_id"],
                ),
                version, done=self.refresh_tasks, reload=self.refresh_tasks,
                yours=[_("owner: {value}").format(value=owner["typed_owner"] or "–")],
            )  # fmt: skip

        def check(typed: dict[str, str]) -> dict[str, Any]:
            return {
                **domain.checked_task(self.context.engine, typed),
                "typed_owner": typed["owner"],
            }

        self.app.push_screen(
            TaskDialog(_("Reassign"), check, ask_title=False, ask_due=False), chosen
        )

    def action_add(self) -> None:
        def chosen(values: Any) -> None:
            if values and attempt(self, lambda: domain.create_task(self.context.engine, **values)):
                self.refresh_tasks()

        self.app.push_screen(
            TaskDialog(
                _("New task"), lambda typed: domain.checked_task(self.context.engine, typed)
            ),
            chosen,
        )

    def search_keys(self) -> dict[str, Callable[[], None]]:
        return {"slash": self.action_search, "l": lambda: self.action_show_tab("list")}

    def action_search(self) -> None:
        self.action_show_tab("list")

    @on(Input.Changed, "#task-search")
    def _search_typed(self) -> None:
        """Search as you type, as in the register (after a short pause)."""
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(0.15, self._filter_typed)

    @on(Input.Submitted, "#task-search, #task-owner-filter, #task-meeting-filter")
    def _filter_typed(self) -> None:
        owner_text = self.query_one("#task-owner-filter", Input).value
        try:
            owner = self._owner(owner_text)
            meeting_id = meeting_named(
                self.context.engine, self.query_one("#task-meeting-filter", Input).value
            )
        except ValidationError as exc:
            self.notify("; ".join(exc.errors.values()), severity="error")
            return
        self.filter = replace(
            self.filter, text=self.query_one("#task-search", Input).value,
            meeting_id=meeting_id,
            owner_person_id=owner.get("owner_person_id"), owner_organisation_id=owner.get("owner_organisation_id"),
        )  # fmt: skip
        self.refresh_tasks()

    @on(Select.Changed, "#task-due, #task-states")
    def _filter_chosen(self) -> None:
        due = self.query_one("#task-due", Select).value
        states = self.query_one("#task-states", Select).value
        self.filter = replace(
            self.filter,
            due="" if due is Select.NULL else str(due),
            states=STATE_CHOICES.get(str(states), domain.OPEN_STATES),
        )
        self.refresh_tasks()
