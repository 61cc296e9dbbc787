"""Textual's DataTable drew rows added just before a frame with every column at its header's
width, and kept them so (screens/table_widths.py). Here the frame is forced in between."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from coordinator.app import section_screen


class OneTable(App[None]):
    CSS = "DataTable { height: 1fr; }"  # as in the sections: adding rows does not resize it

    def compose(self) -> ComposeResult:
        yield DataTable()


def drawn(table: DataTable[str]) -> str:
    return "\n".join(table.render_line(y).text for y in range(3))


async def test_rows_drawn_before_they_were_measured_are_drawn_again() -> None:
    section_screen("register")  # what the app does before its first section: the fix
    app = OneTable()
    async with app.run_test(size=(80, 10)) as pilot:
        table = app.query_one(DataTable)
        table.add_columns("Name", "City")
        await pilot.pause()
        table.add_row("Deutsch-Türkischer Kulturverein", "Bielefeld")
        table.add_row("Afghanischer Kulturverein", "Gütersloh")
        assert "Deutsch-Türkischer" not in drawn(table)  # a frame before measuring: narrow
        await pilot.pause()  # the table is idle: it measures the new rows
        shown = drawn(table)
        assert "Deutsch-Türkischer Kulturverein" in shown and "Bielefeld" in shown
