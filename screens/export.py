"""Export the register to a file: CSV or Excel for spreadsheets, vCard for phones and mail programs,
JSON for other programs. The file is written whole and readable by its owner only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input

from coordinator.context import Context
from coordinator.files import WriteError, write_private
from coordinator.i18n import _
from coordinator.register import exports, vcard
from screens.dialogs import Dialog
from screens.text import Label

if TYPE_CHECKING:
    from sqlalchemy import Engine
from screens.widgets import Button, Select

FORMATS: dict[str, dict[str, tuple[str, Callable[[Engine], str | bytes]]]] = {
    "people": {
        "csv": ("people.csv", exports.people_csv),
        "xlsx": ("people.xlsx", exports.people_xlsx),
        "vcard": ("people.vcf", lambda engine: vcard.vcards(exports.person_records(engine))),
        "json": ("people.json", exports.people_json),
    },
    "organisations": {
        "csv": ("organisations.csv", exports.organisations_csv),
        "xlsx": ("organisations.xlsx", exports.organisations_xlsx),
        "json": ("organisations.json", exports.organisations_json),
    },
}


class ExportDialog(Dialog):
    def __init__(self, context: Context, kind: str) -> None:
        super().__init__()
        self.context = context
        self.kind = kind

    def compose(self) -> ComposeResult:
        title = _("Export people") if self.kind == "people" else _("Export organisations")
        names = {
            "csv": _("CSV for spreadsheets"),
            "xlsx": _("Excel workbook (.xlsx)"),
            "vcard": _("vCard for phones and mail programs"),
            "json": "JSON",
        }
        with Vertical(classes="dialog"):
            yield Label(title, classes="dialog-title")
            yield Select(
                [(names[f], f) for f in FORMATS[self.kind]],
                value="csv",
                allow_blank=False,
                id="format",
            )
            yield Input(value=str(Path.cwd() / FORMATS[self.kind]["csv"][0]), id="path")
            yield Label("", classes="field-error", id="path-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Export"), variant="primary", id="export")
                yield Button(_("Cancel"), id="cancel")

    @on(Select.Changed, "#format")
    def _format_chosen(self, event: Select.Changed) -> None:
        path = Path(self.query_one("#path", Input).value)
        self.query_one("#path", Input).value = str(
            path.with_name(FORMATS[self.kind][str(event.value)][0])
        )

    @on(Button.Pressed, "#export")
    @on(Input.Submitted, "#path")
    def _export(self) -> None:
        self.query_one("#export", Button).disabled = True
        self.write(
            str(self.query_one("#format", Select).value), Path(self.query_one("#path", Input).value)
        )

    @work(thread=True, exclusive=True, exit_on_error=False)
    def write(self, fmt: str, path: Path) -> None:
        render = FORMATS[self.kind][fmt][1]
        try:
            written = write_private(path, render(self.context.engine))
        except OSError as exc:
            message = (
                _("cannot write {path}: {reason}").format(path=path, reason=exc.strerror or exc)
                if not isinstance(exc, WriteError)
                else str(exc)
            )
            self.app.call_from_thread(self.query_one("#path-error", Label).update, message)
            self.app.call_from_thread(setattr, self.query_one("#export", Button), "disabled", False)
            return
        self.app.call_from_thread(self.notify, _("Written to {path}").format(path=written))
        self.dismiss_after_work(True)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)
