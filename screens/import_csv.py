"""Import people or organisations from a CSV file: preview, per-row errors, then import or
cancel (cancelling writes nothing)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input

from coordinator.context import Context
from coordinator.i18n import _, ngettext
from coordinator.register import exchange, workbooks
from coordinator.register.consent import checked_consent
from coordinator.register.spreadsheet import SpreadsheetError
from coordinator.validation import ValidationError
from screens.dialogs import Dialog
from screens.text import Label, Static, literal
from screens.widgets import Button, Select


class ImportScreen(Dialog):
    """Returns True when rows were imported."""

    def __init__(self, context: Context, kind: str) -> None:
        super().__init__()
        self.context = context
        self.kind = kind  # "people" or "organisations"
        self.plan: exchange.ImportPlan | None = None
        self._data = b""  # the file as read, for previewing another of its sheets

    def compose(self) -> ComposeResult:
        title = (
            _("Import people from a list")
            if self.kind == "people"
            else _("Import organisations from a list")
        )
        with Vertical(classes="dialog wide"):
            yield Label(title, classes="dialog-title")
            yield Input(placeholder=_("Path of the list (.xlsx, .ods, .vcf or .csv)"), id="path")
            if self.kind == "people":
                with Horizontal(classes="form-row"):
                    yield Input(placeholder=_("Consent collected on (optional)"), id="consent-on")
                    yield Input(placeholder=_("for what (like: invitations)"), id="consent-for")
            sheet: Select[str] = Select([], prompt=_("Sheet of the workbook"), id="sheet")
            sheet.display = False  # shown for a workbook of several sheets
            yield sheet
            yield Label("", classes="field-error", id="path-error")
            with VerticalScroll(id="preview-box"):
                yield Static(_("Type the path and press Enter to see a preview."), id="preview")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Import"), variant="primary", id="import", disabled=True)
                yield Button(_("Cancel"), id="cancel")

    @on(Input.Submitted, "#path")
    def _preview(self, event: Input.Submitted) -> None:
        self.query_one("#path-error", Label).update("")
        self.query_one("#import", Button).disabled = True
        self.plan = None
        path = Path(event.value.strip()).expanduser()
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.query_one("#path-error", Label).update(
                _("cannot read {path}: {reason}").format(path=path, reason=exc.strerror)
            )
            return
        self.query_one("#preview", Static).update(_("Checking …"))
        self._data = data
        self.make_plan(data)

    @on(Select.Changed, "#sheet")
    def _sheet_chosen(self, event: Select.Changed) -> None:
        """Another sheet of the workbook: its rows previewed instead."""
        chosen = event.value
        if not isinstance(chosen, str) or not self._data:
            return
        if self.plan is not None and chosen == self.plan.sheet:
            return
        self.plan = None
        self.query_one("#import", Button).disabled = True
        self.query_one("#preview", Static).update(_("Checking …"))
        self.make_plan(self._data, chosen)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def make_plan(self, data: bytes, sheet: str | None = None) -> None:
        planner = (
            exchange.plan_people_import
            if self.kind == "people"
            else exchange.plan_organisations_import
        )
        try:
            plan = planner(self.context.engine, data, sheet=sheet)
            sheets = workbooks.sheet_names(data)
        except SpreadsheetError as exc:
            self.app.call_from_thread(
                self.query_one("#path-error", Label).update,
                _("Not a usable list: {reason}").format(reason=exc),
            )
            self.app.call_from_thread(self.query_one("#preview", Static).update, "")
            return
        self.app.call_from_thread(self.show_plan, plan, sheets)

    def show_plan(self, plan: exchange.ImportPlan, sheets: list[str] | None = None) -> None:
        self.plan = plan
        choice = self.query_one("#sheet", Select)
        if sheets is not None:
            choice.display = len(sheets) > 1
            if len(sheets) > 1:
                with self.prevent(Select.Changed):
                    choice.set_options([(name, name) for name in sheets])
                    choice.value = plan.sheet
        parts: list[object] = [
            Text(
                ngettext(
                    "{n} row can be imported ({source}).",
                    "{n} rows can be imported ({source}).",
                    plan.valid,
                ).format(n=plan.valid, source=plan.source()),
                style="bold",
            )
        ]
        if plan.new_organisations:
            parts.append(
                Text(
                    _("New organisations: {names}").format(names=", ".join(plan.new_organisations))
                )
            )
        if plan.mapping:
            parts.append(Text(_("Columns read as: {mapping}").format(mapping=plan.mapping_text())))
        if plan.unknown_columns:
            parts.append(
                Text(_("columns not used: {names}").format(names=", ".join(plan.unknown_columns)))
            )
        if plan.problems:
            table = Table(_("Line"), _("Row"), _("Problem"), box=None, header_style="bold red")
            for problem in plan.problems:
                table.add_row(
                    str(problem.line),
                    literal(problem.summary or "–"),
                    literal("\n".join(f"{f}: {m}" for f, m in problem.errors.items()), lines=True),
                )
            parts += [Text(""), Text(_("These rows will not be imported:"), style="bold"), table]
        self.query_one("#preview", Static).update(Group(*parts))  # type: ignore[arg-type]
        button = self.query_one("#import", Button)
        button.disabled = plan.valid == 0
        button.label = _("Import {n} rows").format(n=plan.valid) + " · ctrl+s"

    def action_save(self) -> None:
        """ctrl+s imports, as the Import button does (once the preview allows it)."""
        button = self.query_one("#import", Button)
        if not button.disabled:
            button.press()

    @on(Button.Pressed, "#import")
    def _import(self) -> None:
        if self.plan is None or self.plan.valid == 0:
            return
        consent = None
        if self.kind == "people":
            typed_on = self.query_one("#consent-on", Input).value
            purpose = self.query_one("#consent-for", Input).value
            if typed_on.strip() or purpose.strip():
                try:
                    consent = checked_consent(typed_on, purpose, today=self.context.today())
                except ValidationError as exc:
                    self.query_one("#path-error", Label).update("\n".join(exc.errors.values()))
                    return
        added = exchange.apply_import(
            self.context.engine, self.plan, today=self.context.today(), consent=consent
        )
        message = ngettext("{n} row imported.", "{n} rows imported.", added).format(n=added)
        if self.kind == "people" and (cannot := exchange.unmailable(self.plan, consent)):
            message += " " + ngettext(
                "{n} of them cannot be mailed yet (no e-mail address or no consent).",
                "{n} of them cannot be mailed yet (no e-mail address or no consent).",
                cannot,
            ).format(n=cannot)
        self.notify(message, timeout=10)
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)
