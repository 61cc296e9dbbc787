"""A fix for Textual's DataTable: column widths measured after a frame was drawn.

DataTable measures new rows when it is next idle (``_update_dimensions``) and caches what it
draws under a counter (``_update_count``) that measuring does not change. When the screen is
drawn between ``add_row`` and that idle moment (rows added from a worker's
``call_from_thread`` on a busy machine), the lines are cached with every column at its
header's width, and they stay so until something else changes the table: a list of names
cut to four letters (seen in CI on the register and the meeting list). After measuring, the
counter now moves on whenever a width changed, so the next frame draws the rows anew.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from textual.widgets import DataTable


def _widths(table: DataTable[Any]) -> list[int]:
    return [table._label_column.content_width] + [
        column.content_width for column in table.columns.values()
    ]


def _measured_anew(original: Callable[..., None]) -> Callable[..., None]:
    def update_dimensions(self: DataTable[Any], new_rows: Iterable[Any]) -> None:
        before = _widths(self)
        original(self, new_rows)
        if _widths(self) != before:
            self._update_count += 1  # the key of every render cache
            self.refresh()

    update_dimensions.__wrapped__ = original  # type: ignore[attr-defined]
    return update_dimensions


def install() -> None:
    """Patch DataTable once (the app calls it before any table is made). A Textual that no
    longer has the method is left alone (tests/ui/test_table_widths.py then says whether the
    fix is still needed)."""
    current = getattr(DataTable, "_update_dimensions", None)
    if current is not None and not hasattr(current, "__wrapped__"):
        DataTable._update_dimensions = _measured_anew(current)  # type: ignore[method-assign]


install()
