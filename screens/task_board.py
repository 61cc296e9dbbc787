"""The task board: one column per status, the columns' Task and Owner sized to what fits, a
detail line with the highlighted task in full, and the dropped column folded away on ``f``."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from coordinator.i18n import _
from coordinator.labels import format_date, label
from coordinator.minutes import tasks as domain
from screens.paged_table import Cell
from screens.text import Static, one_line, styled
from screens.widgets import DataTable
from storage.enums import TaskStatus

_DUE_WIDTH = 10  # "31.03.2027"
_OWNER_MAX = 18
_TITLE_MIN = 16  # narrower than this, the Owner column gives way to the title


class TaskBoard(Vertical):
    """``show(columns, today)`` fills it; ``toggle_dropped()`` folds the dropped column."""

    DEFAULT_CSS = """
    TaskBoard #board-detail { height: auto; max-height: 3; padding: 0 1; }
    TaskBoard .folded { display: none; }
    """

    def __init__(self) -> None:
        super().__init__(id="task-board")
        self._columns: list[domain.BoardColumn] = []
        self._today: date | None = None
        self._rows: dict[int, domain.TaskRow] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(id="board-columns"):
            for status in TaskStatus:
                table: DataTable[Cell] = DataTable(
                    id=f"board-{status.value}", cursor_type="row", classes="board-column"
                )
                table.border_title = label(status)
                yield table
        yield Static("", id="board-detail")

    def table(self, status: TaskStatus) -> DataTable[Cell]:
        return self.query_one(f"#board-{status.value}", DataTable)

    @property
    def dropped_folded(self) -> bool:
        return self.table(TaskStatus.DROPPED).has_class("folded")

    def toggle_dropped(self) -> None:
        dropped = self.table(TaskStatus.DROPPED)
        if dropped.has_focus:
            self.table(TaskStatus.OPEN).focus()
        dropped.toggle_class("folded")
        self.call_after_refresh(self._fill)  # the other columns are wider now

    def show(self, columns: list[domain.BoardColumn], today: date) -> None:
        self._columns, self._today = columns, today
        self._rows = {row.id: row for column in columns for row in column.tasks}
        self._fill()

    def on_resize(self) -> None:
        if self._columns:
            self.call_after_refresh(self._fill)

    def _widths(self, table: DataTable[Cell], rows: list[domain.TaskRow]) -> tuple[int, int]:
        """Task and Owner widths that fit the column (0: no Owner column, the detail line
        names the owner): owners as long as the longest, up to 18; the title the rest."""
        inner = table.size.width - 1  # the scrollbar
        owner = min(_OWNER_MAX, max([len(_("Owner"))] + [len(r.owner) for r in rows]))
        title = inner - _DUE_WIDTH - owner - 6  # each column pads a cell on both sides
        if title < _TITLE_MIN:
            return max(4, inner - _DUE_WIDTH - 4), 0
        return title, owner

    def _fill(self) -> None:
        today = self._today
        for column in self._columns:
            table = self.table(column.status)
            cursor = table.cursor_row
            table.clear(columns=True)
            table.border_title = f"{label(column.status)} ({column.count})"
            if table.size.width:
                title_width, owner_width = self._widths(table, column.tasks)
                table.add_column(_("Due"), width=_DUE_WIDTH)
                table.add_column(_("Task"), width=title_width)
                if owner_width:
                    table.add_column(_("Owner"), width=owner_width)
            else:
                table.add_columns(_("Due"), _("Task"), _("Owner"))
            for row in column.tasks:
                late = (
                    today is not None
                    and row.due_on is not None
                    and row.due_on < today
                    and column.status in domain.OPEN_STATES
                )
                due: Cell = (
                    Text(format_date(row.due_on), style="bold red")
                    if late
                    else format_date(row.due_on)
                )
                cells = [due, one_line(row.title), one_line(row.owner)]
                table.add_row(*cells[: len(table.columns)], key=str(row.id))
            if column.tasks:
                table.move_cursor(row=min(cursor, len(column.tasks) - 1))
        self._detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.has_focus:  # (refilling the other columns highlights too)
            self._detail(event.data_table)

    def on_descendant_focus(self) -> None:
        self._detail()

    def _detail(self, table: DataTable[Cell] | None = None) -> None:
        """The highlighted task in full: title, owner, due date, priority, meeting."""
        focused = self.screen.focused
        table = table or (focused if isinstance(focused, DataTable) else None)
        row = None
        if table is not None and table.row_count and table.id and table.id.startswith("board-"):
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            row = self._rows.get(int(key)) if key and key.isdigit() else None
        detail = self.query_one("#board-detail", Static)
        if row is None:
            detail.update("")
            return
        parts = [
            _("owner: {name}").format(name=row.owner) if row.owner else _("no owner"),
            _("due {day}").format(day=format_date(row.due_on)) if row.due_on else _("no date"),
            label(row.priority),
        ]
        if row.meeting:
            parts.append(_("from {meeting}").format(meeting=row.meeting))
        detail.update(styled("[b]$title[/b] · $rest", title=row.title, rest=" · ".join(parts)))
