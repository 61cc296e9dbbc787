"""The task board (issue 18): the highlighted task's whole title and owner in a detail line,
columns that fit their board column (no sideways scrolling to see a title), and the dropped
column folded away on ``f`` and back."""

from __future__ import annotations

from coordinator.app import CoordinatorApp
from coordinator.context import Context
from screens.task_board import TaskBoard
from screens.tasks import TasksScreen
from storage.enums import TaskStatus
from tests.ui.helpers import open_section, screen_text, settle


async def test_the_detail_line_names_the_whole_task_and_f_folds_the_dropped_column(
    sample_context: Context,
) -> None:
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_section(pilot, "t", TasksScreen)
        await pilot.pause(0.3)
        await settle(pilot)
        board = screen.query_one(TaskBoard)
        open_column = board.table(TaskStatus.OPEN)
        assert open_column.has_focus
        await pilot.press("down")
        await settle(pilot)
        key = open_column.coordinate_to_cell_key(open_column.cursor_coordinate).row_key.value
        row = board._rows[int(key or 0)]
        text = screen_text(app)
        assert row.title in text and f"owner: {row.owner}" in text  # whole, in the detail line
        for status in TaskStatus:  # every column's cells fit inside it: nothing to scroll to
            table = board.table(status)
            widths = sum(column.get_render_width(table) for column in table.columns.values())
            assert widths <= table.size.width, (status, widths, table.size.width)
        before = open_column.size.width
        await pilot.press("f")
        await pilot.pause(0.2)
        await settle(pilot)
        assert board.dropped_folded and not board.table(TaskStatus.DROPPED).display
        assert open_column.size.width > before  # the others share its room
        assert "dropped (" not in screen_text(app)
        await pilot.press("f")
        await pilot.pause(0.2)
        await settle(pilot)
        assert "dropped (" in screen_text(app)
