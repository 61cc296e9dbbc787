"""Textual's widgets that take text, made to treat every ``str`` as literal text (see
``screens.text``). Kept apart from it so that the dashboard, which has none of them, starts
without importing them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from textual import widgets as _w
from textual.content import Content

from screens.text import cell, content

T = TypeVar("T")


class Button(_w.Button):
    """A Button whose label is literal text."""

    def validate_label(self, label: Any) -> Content:
        return content(label) if isinstance(label, str) else super().validate_label(label)


class SaveButton(Button):
    """A dialog's Save button, which names its key (every dialog saves on ctrl+s)."""

    def __init__(self, label: str | None = None, **kwargs: Any) -> None:
        from coordinator.i18n import _

        kwargs.setdefault("variant", "primary")
        kwargs.setdefault("id", "save")
        super().__init__(f"{label or _('Save')} · ctrl+s", **kwargs)


class Checkbox(_w.Checkbox):
    """A Checkbox whose label is literal text."""

    def __init__(self, label: Any = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(content(label), *args, **kwargs)


class Select(_w.Select[T]):
    """A Select whose option labels and prompt are literal text."""

    def __init__(self, options: Iterable[tuple[Any, Any]], **kwargs: Any) -> None:
        super().__init__([(content(p), v) for p, v in options], **kwargs)

    def set_options(self, options: Iterable[tuple[Any, Any]]) -> None:
        super().set_options([(content(p), v) for p, v in options])


class SelectionList(_w.SelectionList[T]):
    """A SelectionList whose prompts are literal text."""

    def __init__(self, *selections: Any, **kwargs: Any) -> None:
        super().__init__(*(self._plain(s) for s in selections), **kwargs)

    @staticmethod
    def _plain(selection: Any) -> Any:
        if isinstance(selection, tuple):
            return (content(selection[0]), *selection[1:])
        return selection


class DataTable(_w.DataTable[T]):
    """A DataTable whose ``str`` cells are literal text on one line."""

    def add_row(self, *cells: Any, **kwargs: Any) -> Any:
        if isinstance(kwargs.get("label"), str):
            kwargs["label"] = cell(kwargs["label"])
        return super().add_row(*(cell(c) for c in cells), **kwargs)

    def update_cell(self, row_key: Any, column_key: Any, value: Any, **kwargs: Any) -> None:
        super().update_cell(row_key, column_key, cell(value), **kwargs)

    def add_column(self, label: Any, **kwargs: Any) -> Any:
        return super().add_column(cell(label), **kwargs)
