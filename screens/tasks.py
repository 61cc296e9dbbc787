"""The task list: open and in-progress tasks, the most urgent first."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult

from coordinator import tasks as domain
from coordinator.i18n import _
from coordinator.labels import format_date, label
from screens.base import SectionScreen
from screens.paged_table import Cell, PagedTable


class TasksScreen(SectionScreen):
    def compose(self) -> ComposeResult:
        yield from self.compose_frame()
        yield PagedTable(
            [_("Due"), _("Task"), _("Status"), _("Priority"), _("Owner"), _("Meeting")],
            self._tasks,
            id="task-table",
        )
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.sub_title = _("Tasks")

    def _tasks(self, offset: int, limit: int) -> Sequence[tuple[int, Sequence[Cell]]]:
        today = self.context.now().date()
        result: list[tuple[int, Sequence[Cell]]] = []
        for row in domain.task_page(self.context.engine, offset=offset, limit=limit):
            overdue = row.due_on is not None and row.due_on < today
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
