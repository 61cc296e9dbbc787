"""A DataTable that loads its rows a page at a time, fetching the next page in a thread
worker when the cursor comes near the end, so lists of 100,000 rows open at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import work

from screens.widgets import DataTable

Cell = str | Text
PageLoader = Callable[[int, int], Sequence[tuple[int | str, Sequence[Cell]]]]


class PagedTable(DataTable[Cell]):
    """Rows come from ``loader(offset, limit)`` as (row key, cells) pairs."""

    PAGE_SIZE = 100

    def __init__(self, columns: Sequence[str], loader: PageLoader, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self._column_labels = list(columns)
        self._loader = loader
        self._loaded = 0
        self._exhausted = False
        self._loading = False
        self._restore: str | None = None  # the row to put the cursor back on after a reload

    def on_mount(self) -> None:
        self.add_columns(*self._column_labels)
        self.reload()

    def reload(self) -> None:
        """Read the rows again from the start; the cursor stays on its row if it still
        exists (a refresh after somebody else's change must not move it)."""
        self._restore = None
        if self.row_count:
            self._restore = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        self.clear()
        self._loaded = 0
        self._exhausted = False
        self._loading = False
        self._load_next()

    def _load_next(self) -> None:
        if self._loading or self._exhausted:
            return
        self._loading = True
        self._fetch(self._loaded)

    @work(thread=True, group="page", exit_on_error=False)
    def _fetch(self, offset: int) -> None:
        rows = self._loader(offset, self.PAGE_SIZE)
        self.app.call_from_thread(self._append, offset, rows)

    def _append(self, offset: int, rows: Sequence[tuple[int | str, Sequence[Cell]]]) -> None:
        self._loading = False
        if offset != self._loaded:
            return  # a reload happened meanwhile
        if offset == 0:  # columns as wide as what is shown now, not as the widest ever shown
            for column in self.columns.values():
                column.content_width = column.label.cell_len
        for key, cells in rows:
            self.add_row(*cells, key=str(key))
        self._loaded += len(rows)
        if self._restore is not None and offset == 0:
            restore, self._restore = self._restore, None
            keys = [str(key) for key, _cells in rows]
            if restore in keys:
                self.move_cursor(row=keys.index(restore), scroll=False)
        if len(rows) < self.PAGE_SIZE:
            self._exhausted = True

    def watch_cursor_coordinate(self, old: object, new: object) -> None:
        super().watch_cursor_coordinate(old, new)  # type: ignore[arg-type]
        if self.cursor_row >= self.row_count - 10:
            self._load_next()

    @property
    def loaded(self) -> int:
        return self._loaded

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value >= self.max_scroll_y - 10:
            self._load_next()
