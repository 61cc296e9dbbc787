"""How the columns of a list are read (``m`` in the import preview): each column of the
header line with the field it goes to, or "skip"; the reader's guess is preselected. What is
chosen is used for the preview at once and remembered for lists with the same columns."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll

from coordinator.i18n import _
from coordinator.register.spreadsheet import header_key
from screens.dialogs import Dialog
from screens.text import Label
from screens.widgets import Button, SaveButton, Select

SKIP = "-"  # the Select's value for "skip this column"


class ColumnsDialog(Dialog):
    """``headers`` of the list, ``current`` (header -> field, "" skipped) and the ``fields``
    (field -> label, translated); returns {header_key: field or ""} for every column."""

    DEFAULT_CSS = """
    ColumnsDialog .column-row { height: auto; }
    ColumnsDialog .column-name { width: 1fr; padding: 1 1 0 0; }
    ColumnsDialog .column-row Select { width: 2fr; }
    ColumnsDialog VerticalScroll { height: auto; max-height: 1fr; }
    """

    def __init__(
        self, headers: tuple[str, ...], current: dict[str, str], fields: dict[str, str]
    ) -> None:
        super().__init__()
        self._headers, self._current, self._fields = headers, current, fields

    def compose(self) -> ComposeResult:
        options = [(label, name) for name, label in self._fields.items()]
        options.append((_("skip this column"), SKIP))
        with Vertical(classes="dialog wide"):
            yield Label(_("How the columns are read"), classes="dialog-title")
            with VerticalScroll():
                for index, header in enumerate(self._headers):
                    with Horizontal(classes="column-row"):
                        yield Label(header, classes="column-name")
                        yield Select(
                            options,
                            value=self._current.get(header) or SKIP,
                            allow_blank=False,
                            id=f"column-{index}",
                        )
            with Horizontal(classes="dialog-buttons"):
                yield SaveButton(_("Use these"))
                yield Button(_("Cancel"), id="cancel")

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        chosen = {}
        for index, header in enumerate(self._headers):
            value = self.query_one(f"#column-{index}", Select).value
            chosen[header_key(header)] = "" if value == SKIP else str(value)
        self.dismiss(chosen)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)
