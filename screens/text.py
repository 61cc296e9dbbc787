"""The one way text reaches the screen: literally, never as markup.

A network holds what partners send in (calendar titles, names from spreadsheets, e-mail
display names), so a ``[`` in a stored value must stay a ``[``: Textual and Rich parse ``str``
as markup wherever a widget takes one, and markup can crash a screen (``[/]``), restyle it or
run an action (``[@click=app.quit]``). Screens therefore

- take their text widgets from here (Static, Label) and from ``screens.widgets`` (Button,
  Checkbox, Select, SelectionList, DataTable): they treat every ``str`` as literal text;
- build styled text only with :func:`styled`, whose template is ours and whose values are
  inserted literally;
- show a value that must stay on one line (a table cell, a title) through :func:`one_line`,
  which makes line breaks, tabs and invisible direction controls visible instead of letting
  them break or reorder the line.

``tests/test_layering.py`` checks that no screen imports those widgets from Textual itself.
"""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text
from textual import widgets as _w
from textual.content import Content

# C0 and C1 control characters (but newline and tab, handled on their own), and the Unicode
# controls that reorder or hide text: bidi embeddings, overrides and isolates.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x85")


def _visible(match: re.Match[str]) -> str:
    return f"<U+{ord(match[0]):04X}>"


def block(value: object) -> str:
    """``value`` as text for a multi-line field (notes): line breaks kept, controls shown."""
    text = "" if value is None else str(value)
    text = _LINE_BREAK.sub("\n", text).replace("\t", "    ")
    return _INVISIBLE.sub(_visible, text)


def one_line(value: object) -> str:
    """``value`` on one line: a line break shows as ⏎, a tab as a space, controls as <U+…>."""
    text = "" if value is None else str(value)
    text = _LINE_BREAK.sub(" ⏎ ", text).replace("\t", " ")
    return _INVISIBLE.sub(_visible, text)


def plain(value: object) -> Content:
    """Literal content for a widget (line breaks kept)."""
    return Content(block(value))


def plain_line(value: object) -> Content:
    """Literal content on one line."""
    return Content(one_line(value))


def styled(template: str, **values: object) -> Content:
    """Our markup (``[b]$title[/b]``) with the values inserted literally, on one line each."""
    return Content.from_markup(template, **{k: one_line(v) for k, v in values.items()})


def literal(value: object, *, lines: bool = False, style: str = "") -> Text:
    """Literal Rich Text, for Rich renderables (tables in a Static): one line, or with its
    line breaks kept (``lines=True``), never cut."""
    return Text(block(value) if lines else one_line(value), style=style, end="")


CELL_WIDTH = 60  # a table column is never wider: one long value must not push the others off


def cell(value: object) -> Any:
    """A value for a DataTable cell or a Rich table: a ``str`` becomes literal Text on one
    line, cut with … at CELL_WIDTH characters (the detail views show it whole)."""
    if isinstance(value, str):
        text = one_line(value)
        if len(text) > CELL_WIDTH:
            text = text[: CELL_WIDTH - 1] + "…"
        return Text(text, end="")
    return value


def content(value: object) -> Any:
    return plain_line(value) if isinstance(value, str) else value


class Static(_w.Static):
    """A Static whose ``str`` content is literal text."""

    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(content, **kwargs)


class Label(_w.Label):
    """A Label whose ``str`` content is literal text."""

    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(content, **kwargs)
